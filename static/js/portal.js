// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // On phones the main menu starts folded; without JavaScript it simply stays open.
  var menu = document.querySelector(".nav-menu");
  if (menu && window.matchMedia("(max-width: 767.98px)").matches) {
    menu.open = false;
  }

  // The menu's concerns: one open at a time; Escape or a click elsewhere closes the open one
  // (and Escape gives the focus back to its title).
  var dropdowns = Array.prototype.slice.call(document.querySelectorAll("[data-nav-dropdown]"));
  dropdowns.forEach(function (dropdown) {
    dropdown.addEventListener("toggle", function () {
      if (dropdown.open) {
        dropdowns.forEach(function (other) {
          if (other !== dropdown) {
            other.open = false;
          }
        });
      }
    });
  });
  // Tabbing out of an open concern closes it (it would stay open over the page). A pointer
  // moving the focus is left to the click handler below: closing on its mousedown would move
  // the menu under the finger (on a phone the concerns unfold in place) before the click.
  var pointing = false;
  document.addEventListener("pointerdown", function () { pointing = true; }, true);
  document.addEventListener("click", function () { pointing = false; }, true);
  dropdowns.forEach(function (dropdown) {
    dropdown.addEventListener("focusout", function (event) {
      if (pointing || !dropdown.open) {
        return;
      }
      if (event.relatedTarget && !dropdown.contains(event.relatedTarget)) {
        dropdown.open = false;
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    dropdowns.forEach(function (dropdown) {
      if (dropdown.open) {
        dropdown.open = false;
        dropdown.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    dropdowns.forEach(function (dropdown) {
      if (dropdown.open && !dropdown.contains(event.target)) {
        dropdown.open = false;
      }
    });
  });

  // A form that failed shows an error summary (templates/_error_summary.html): move the focus
  // to it so nobody misses it. Pages without errors keep the focus where the browser puts it.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.scrollIntoView({ block: "start" });
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-error-link]");
      if (!link) {
        return;
      }
      var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!field) {
        return;
      }
      event.preventDefault();
      // Show the field's label (or its group's legend) with it, as the GOV.UK pattern does.
      var fieldset = field.closest("fieldset");
      var label = (fieldset && fieldset.querySelector("legend")) ||
        document.querySelector('label[for="' + field.id + '"]') || field;
      label.scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }
})();
