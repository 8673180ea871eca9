// Practices: warn before leaving a step with unsaved changes, and show which file was chosen.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-egts-practice-step]");
  forms.forEach(function (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
  document.querySelectorAll("input[type=file].fr-upload").forEach(function (input) {
    var maxBytes = 10 * 1024 * 1024;
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      input.setCustomValidity("");
      if (file && file.size > maxBytes) {
        // The server refuses it anyway; telling now saves a long upload.
        input.setCustomValidity("Ce fichier dépasse 10 Mo.");
        input.reportValidity();
      }
    });
  });
})();
