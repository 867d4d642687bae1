/* The Wagtail admin without inline scripts (the content security policy forbids them).
   Date and time inputs carry their chooser's configuration in a JSON script beside them
   (templates/wagtailadmin/widgets/): the chooser starts here, also for forms added to the page later. */
(function () {
  "use strict";

  var CHOOSERS = ["initDateChooser", "initTimeChooser", "initDateTimeChooser"];

  function startChoosers(root) {
    root.querySelectorAll("script[data-portail-chooser]").forEach(function (config) {
      var name = config.dataset.portailChooser;
      var start = CHOOSERS.indexOf(name) >= 0 ? window[name] : null;
      if (config.dataset.started || typeof start !== "function") {
        return;
      }
      config.dataset.started = "1";
      start(config.dataset.for, JSON.parse(config.textContent));
    });
  }

  function startPrintButtons(root) {
    root.querySelectorAll("[data-day-sheet-print]").forEach(function (button) {
      if (!button.dataset.started) {
        button.dataset.started = "1";
        button.addEventListener("click", function () { window.print(); });
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    startChoosers(document);
    startPrintButtons(document);
    new MutationObserver(function () { startChoosers(document); }).observe(document.body, {
      childList: true,
      subtree: true,
    });
  });
})();
