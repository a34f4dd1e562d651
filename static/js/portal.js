// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // On phones the main menu starts folded; without JavaScript it simply stays open.
  var menu = document.querySelector(".nav-menu");
  if (menu && window.matchMedia("(max-width: 767.98px)").matches) {
    menu.open = false;
  }
})();
