/* The Wagtail admin without inline scripts (the content security policy forbids them).
   Choosers, date and time inputs and inline panels carry what starts them in a JSON script beside them
   (cms/admin_scripts.py): they start here, also in forms added to the page later. */
(function () {
  "use strict";

  // What a JSON script may start, as cms/admin_scripts.STARTERS: classes are constructed, functions called.
  var CLASSES = [
    "Chooser", "PageChooser", "ImageChooser", "DocumentChooser", "SnippetChooser", "InlinePanel", "MultipleChooserPanel",
  ];
  var FUNCTIONS = ["createTaskChooser", "initDateChooser", "initTimeChooser", "initDateTimeChooser"];

  function start(script) {
    var name = script.dataset.portailStart;
    var starter = window[name];
    var isClass = CLASSES.indexOf(name) >= 0;
    if (script.dataset.started || !(isClass || FUNCTIONS.indexOf(name) >= 0) || typeof starter !== "function") {
      return;
    }
    script.dataset.started = "1";
    var args = JSON.parse(script.textContent);
    if (isClass) {
      Reflect.construct(starter, args);
    } else {
      starter.apply(window, args);
    }
  }

  function startAll(root) {
    root.querySelectorAll("script[data-portail-start]").forEach(start);
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
    startAll(document);
    startPrintButtons(document);
    new MutationObserver(function () { startAll(document); }).observe(document.body, {
      childList: true,
      subtree: true,
    });
  });
})();
