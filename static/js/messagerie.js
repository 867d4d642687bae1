/* «Écrire aux familles»: the number of characters of the SMS while it is written (the preview gives the exact
   count once the characters SMS do not carry are replaced). From a file: the content security policy forbids
   inline scripts. */
(function () {
  "use strict";

  var SINGLE = 160;
  var PART = 153;

  function describe(count, limit) {
    var parts = count === 0 ? 0 : count <= SINGLE ? 1 : Math.ceil(count / PART);
    var text = count + " caractère" + (count > 1 ? "s" : "") + " sur " + limit + " : " + parts + " SMS";
    return count > limit ? text + " — trop long" : text;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var field = document.querySelector("[data-sms-counter]");
    var output = document.getElementById("sms-counter");
    if (!field || !output) {
      return;
    }
    var limit = parseInt(field.dataset.smsCounter, 10);
    var update = function () {
      output.textContent = describe(field.value.trim().length, limit);
    };
    output.hidden = false;
    field.setAttribute("aria-describedby", (field.getAttribute("aria-describedby") || "") + " sms-counter");
    field.addEventListener("input", update);
    update();
  });
})();
