/* The Wagtail admin without inline scripts (the content security policy forbids them).
   Choosers, date and time inputs and inline panels carry what starts them in a JSON script beside them
   (cms/admin_scripts.py): they start here, also in forms added to the page later.
   Two things Wagtail leaves nameless get their accessible name here (axe-core: aria-input-field-name,
   aria-dialog-name), also when they appear later: the rich text editor (Draftail's textbox) is named by its field's
   label, or by its StreamField block's type; a chooser's dialog by its heading. */
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

  var idCount = 0;

  function idOf(element) {
    if (!element.id) {
      idCount += 1;
      element.id = "portail-nom-" + idCount;
    }
    return element.id;
  }

  function isNameless(element) {
    return !element.getAttribute("aria-label") && !element.getAttribute("aria-labelledby");
  }

  // The label of the field a rich text editor edits: the one for its hidden input (a panel's heading, a
  // StructBlock's field), else its wrapper's.
  function labelOf(box) {
    var input = box.closest(".w-field__input, .w-field");
    input = input && input.querySelector("[data-draftail-input]");
    var label = input && input.id && (
      document.getElementById(input.id + "-label") || document.querySelector("label[for='" + input.id + "']")
    );
    if (!label) {
      var wrapper = box.closest(".w-field__wrapper");
      label = wrapper && wrapper.querySelector(".w-field__label");
    }
    return label && label.textContent.trim() ? label : null;
  }

  function nameTextboxes(root) {
    root.querySelectorAll("[contenteditable='true'][role='textbox']").forEach(function (box) {
      if (!isNameless(box)) {
        return;
      }
      var label = labelOf(box);
      if (label) {
        box.setAttribute("aria-labelledby", idOf(label));
        return;
      }
      var block = box.closest("[data-streamfield-child]");
      var type = block && block.querySelector(".c-sf-block__type");
      if (type && type.textContent.trim()) {
        box.setAttribute("aria-label", type.textContent.trim());
      }
    });
  }

  function nameDialogs(root) {
    root.querySelectorAll("[role='dialog']").forEach(function (dialog) {
      if (!isNameless(dialog)) {
        return;
      }
      var heading = dialog.querySelector("h1, h2");
      if (heading && heading.textContent.trim()) {
        dialog.setAttribute("aria-labelledby", idOf(heading));
      }
    });
  }

  // Wagtail's autosave (w-autosave) and its watch over edits not saved (w-unsaved) took two kinds of edit for saved:
  // one typed while an autosave was on its way (on success, w-unsaved took the form as it stood then, not as it was
  // sent, for saved), and one typed before w-unsaved starts watching, two seconds after the page shows (taken for
  // the page's initial state: never saved, no warning on leaving). Here the form as it was sent becomes the saved
  // state, and an edit typed before the watch starts counts as an edit, which autosave then saves.
  function unsavedOf(form) {
    var app = window.wagtail && window.wagtail.app;
    return app ? app.getControllerForElementAndIdentifier(form, "w-unsaved") : null;
  }

  function keepEveryEdit(form) {
    if (form.dataset.portailAutosave) {
      return;
    }
    form.dataset.portailAutosave = "1";
    var watching = false;
    var typedEarly = false;
    var sent = null;
    function typed(event) {
      if (event.isTrusted && !watching) {
        typedEarly = true;
      }
    }
    form.addEventListener("input", typed, true);
    form.addEventListener("change", typed, true);
    form.addEventListener("w-unsaved:watch-edits", function () {
      var unsaved = unsavedOf(form);
      if (watching || !unsaved) {
        return;
      }
      watching = true;
      if (typedEarly) {
        unsaved.forceValue = true;
        unsaved.hasEditsValue = true;
      }
    });
    form.addEventListener("w-autosave:save", function (event) {
      var unsaved = unsavedOf(form);
      // Taken as autosave takes the form: what it sends.
      sent = event.defaultPrevented || !unsaved ? null : unsaved.formData;
    });
    form.addEventListener("w-autosave:error", function () { sent = null; });
    form.addEventListener("w-autosave:success", function () {
      var saved = sent;
      sent = null;
      // After w-unsaved's own clear, which listens to the same event.
      window.setTimeout(function () {
        var unsaved = unsavedOf(form);
        if (saved === null || !unsaved) {
          return;
        }
        unsaved.initialFormData = saved;
        unsaved.previousFormData = saved;
        unsaved.check();
      }, 0);
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
    startAll(document);
    startPrintButtons(document);
    document.querySelectorAll("form[data-controller~='w-autosave']").forEach(keepEveryEdit);
    nameTextboxes(document);
    nameDialogs(document);
    // What appears later starts at once; it is named once per frame (typing in Draftail mutates the page a lot).
    var scheduled = false;
    new MutationObserver(function () {
      startAll(document);
      if (scheduled) {
        return;
      }
      scheduled = true;
      window.requestAnimationFrame(function () {
        scheduled = false;
        nameTextboxes(document);
        nameDialogs(document);
      });
    }).observe(document.body, {
      childList: true,
      subtree: true,
    });
  });
})();
