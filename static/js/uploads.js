// Document uploads: instant feedback on type and size before anything is sent, then an upload
// with a progress bar that swaps in the slot the server renders back. A photo larger than the
// slot keeps is not refused here: the server makes it smaller (core/photos.py), and the person
// is told so before sending.
// Progressive enhancement only: without this file the form posts normally and the page comes
// back with a message. Every text comes from the form's data-msg-* attributes, translated on the
// server, so nothing here depends on the language. The server checks every file again anyway.
(function () {
  "use strict";

  if (!window.FormData || !window.XMLHttpRequest || !("upload" in new XMLHttpRequest())) {
    return; // old browser: the plain form still works
  }

  // The first bytes of each accepted format (the server checks the same "magic numbers"), as
  // [offset, bytes]; a file matches a format when it matches one of its signatures. An image
  // slot ("jpeg") takes any photo a phone takes: JPEG, PNG, WebP, HEIC/HEIF.
  var SIGNATURES = {
    jpeg: [
      [0, [0xff, 0xd8, 0xff]],
      [0, [0x89, 0x50, 0x4e, 0x47]], // PNG
      [8, [0x57, 0x45, 0x42, 0x50]], // "WEBP" after "RIFF" and a length
      [4, [0x66, 0x74, 0x79, 0x70]] // "ftyp": HEIC/HEIF (the server tells it from a video)
    ],
    pdf: [[0, [0x25, 0x50, 0x44, 0x46]]] // "%PDF"
  };
  var SNIFF_LENGTH = 12;
  var FORM = "form[data-upload-form]";

  function fill(text, values) {
    return (text || "").replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }

  function kb(bytes) {
    return Math.ceil(bytes / 1024);
  }

  // Megabytes with one decimal, written the way the page's language writes numbers.
  function mb(bytes) {
    var value = Math.round((bytes / (1024 * 1024)) * 10) / 10;
    var lang = document.documentElement.lang || undefined;
    try {
      return value.toLocaleString(lang, { maximumFractionDigits: 1 });
    } catch (error) {
      return String(value);
    }
  }

  function parts(form) {
    return {
      input: form.querySelector("input[type=file]"),
      feedback: form.querySelector(".upload-feedback"),
      progress: form.querySelector(".upload-progress"),
      button: form.querySelector("button[type=submit]")
    };
  }

  function say(form, text, state) {
    var p = parts(form);
    p.feedback.textContent = text;
    p.feedback.classList.toggle("text-danger", state === "error");
    p.feedback.classList.toggle("text-success", state === "ok");
    p.input.classList.toggle("is-invalid", state === "error");
    p.input.setCustomValidity(state === "error" ? text : "");
  }

  function accepted(file, accept) {
    var name = file.name.toLowerCase();
    var type = (file.type || "").toLowerCase();
    return accept.split(",").some(function (token) {
      token = token.trim().toLowerCase();
      if (!token) {
        return false;
      }
      if (token.charAt(0) === ".") {
        return name.slice(-token.length) === token;
      }
      if (token.slice(-2) === "/*") {
        return type.indexOf(token.slice(0, -1)) === 0;
      }
      return type === token;
    });
  }

  // Reads the first bytes only: a renamed web page or program is caught before it is sent.
  function sniff(file, format, done) {
    var signatures = SIGNATURES[format];
    if (!signatures || !window.FileReader) {
      done(true);
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      var bytes = new Uint8Array(reader.result);
      done(signatures.some(function (signature) {
        var offset = signature[0];
        return signature[1].every(function (value, i) {
          return bytes[offset + i] === value;
        });
      }));
    };
    reader.onerror = function () {
      done(true); // cannot tell here: let the server decide
    };
    reader.readAsArrayBuffer(file.slice(0, SNIFF_LENGTH));
  }

  function check(form, then) {
    var p = parts(form);
    var file = p.input.files && p.input.files[0];
    var max = parseInt(p.input.getAttribute("data-max-bytes"), 10);
    var keep = parseInt(p.input.getAttribute("data-keep-bytes"), 10);
    var sizes = { size: kb(file ? file.size : 0), mb: mb(file ? file.size : 0) };
    p.input.setCustomValidity("");
    if (!file) {
      say(form, "", null);
      then(false);
      return;
    }
    if (file.size === 0) {
      say(form, form.getAttribute("data-msg-empty"), "error");
      then(false);
      return;
    }
    if (!accepted(file, p.input.accept)) {
      say(form, form.getAttribute("data-msg-type"), "error");
      then(false);
      return;
    }
    if (max && file.size > max) {
      say(form, fill(form.getAttribute("data-msg-size"), sizes), "error");
      then(false);
      return;
    }
    sniff(file, p.input.getAttribute("data-format"), function (ok) {
      var shrink = form.getAttribute("data-msg-shrink");
      if (!ok) {
        say(form, form.getAttribute("data-msg-type"), "error");
      } else if (shrink && keep && file.size > keep) {
        say(form, fill(shrink, sizes), "ok"); // a big photo: the server makes it smaller
      } else {
        say(form, fill(form.getAttribute("data-msg-ready"), sizes), "ok");
      }
      then(ok);
    });
  }

  function swap(slot, html) {
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    var fresh = holder.content.querySelector("[data-upload-slot]");
    if (!slot || !fresh) {
      return false;
    }
    slot.replaceWith(fresh);
    if (fresh.querySelector("[data-upload-notice].alert-success")) {
      // The slot is filled now: strike it from the "still missing" list beside the form.
      document.querySelectorAll('[data-missing-slot="' + fresh.id + '"]').forEach(function (li) {
        li.remove();
      });
      var list = document.querySelector("[data-missing-list]");
      if (list && !list.querySelector("li")) {
        list.closest("[data-missing]").hidden = true;
      }
    }
    var notice = fresh.querySelector("[data-upload-notice]");
    if (notice) {
      notice.focus(); // the button that had the focus is gone; read out the outcome instead
    }
    return true;
  }

  function upload(form) {
    var p = parts(form);
    var slot = form.closest("[data-upload-slot]");
    var data = new FormData(form);
    var xhr = new XMLHttpRequest();

    function failed() {
      form.removeAttribute("aria-busy");
      p.button.disabled = false;
      p.progress.hidden = true;
      say(form, form.getAttribute("data-msg-failed"), "error");
      p.input.setCustomValidity(""); // let the applicant simply try again
    }

    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        var percent = Math.round((event.loaded / event.total) * 100);
        p.progress.value = percent;
        p.feedback.textContent = fill(form.getAttribute("data-msg-progress"), {
          percent: percent + "%"
        });
      }
    });
    xhr.upload.addEventListener("load", function () {
      p.progress.value = 100;
      say(form, form.getAttribute("data-msg-checking"), null);
    });
    xhr.addEventListener("load", function () {
      // Only our own fragment is swapped in (not, say, a login page after a lost session).
      if (xhr.getResponseHeader("X-Upload-Fragment") !== "1" || !swap(slot, xhr.responseText)) {
        failed();
      }
    });
    xhr.addEventListener("error", failed);
    xhr.addEventListener("abort", failed);
    xhr.addEventListener("timeout", failed);

    form.setAttribute("aria-busy", "true");
    p.button.disabled = true;
    p.progress.value = 0;
    p.progress.hidden = false;
    xhr.send(data);
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches(FORM + " input[type=file]")) {
      check(input.form, function () {});
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches(FORM)) {
      return;
    }
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") {
      return; // a double tap must not send the file twice
    }
    check(form, function (ok) {
      if (ok) {
        upload(form);
      }
    });
  });
})();
