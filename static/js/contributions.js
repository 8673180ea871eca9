// Contributions: warn, while typing, that the text seems to hold an e-mail address or a
// phone number. The server flags it for the moderator anyway; this only helps the author.
(function () {
  "use strict";
  var EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
  var PHONE = /(?:(?:\+|00)\s?(?:33|262|269|508|590|594|596|687|689)[\s.\-]?(?:\(0\))?[\s.\-]?[1-9]|\b0[1-9])(?:[\s.\-]?\d{2}){4}(?!\d)/;
  function init() {
    var warning = document.getElementById("personal-data-live");
    var fields = document.querySelectorAll("[data-egts-personal-data-check]");
    if (!warning || !fields.length) {
      return;
    }
    function check() {
      var found = false;
      fields.forEach(function (field) {
        if (EMAIL.test(field.value) || PHONE.test(field.value)) {
          found = true;
        }
      });
      warning.hidden = !found;
    }
    fields.forEach(function (field) {
      field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " personal-data-live").trim());
      field.addEventListener("input", check);
    });
    check();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
