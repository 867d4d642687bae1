/* «Feuille de présence»: a count of the children marked that follows the choices before they are sent. The
   register works without it (a plain form); loaded from a file, as the content security policy forbids inline
   scripts. */
(function () {
  "use strict";

  function start(form) {
    var summary = form.querySelector("[data-attendance-summary]");
    var rows = form.querySelectorAll("[data-attendance-row]");
    if (!summary || !rows.length) {
      return;
    }
    function update() {
      var marked = 0;
      rows.forEach(function (row) {
        var editable = row.querySelector("input[type=radio]");
        if (editable ? row.querySelector("input[type=radio]:checked") : row.querySelector(".attendance__status strong[data-marked]")) {
          marked += 1;
        }
      });
      summary.textContent = marked + (marked > 1 ? " pointés" : " pointé") + " sur " + rows.length;
    }
    form.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-attendance]").forEach(start);
  });
})();
