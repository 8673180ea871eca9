// Long free-text fields: count the characters as one types, against the limit stated below
// the field (templates/django/forms/widgets/textarea.html). The server refuses a longer text
// anyway, with a message on the field and the text kept; this lets the author see it coming.
// The visible count follows every keystroke but is hidden from screen readers; a polite live
// region says the same once typing pauses, so a screen reader is not interrupted at each key.
(function () {
  "use strict";
  var numbers = new Intl.NumberFormat("fr-FR");
  var PAUSE = 1000;

  // What the server will count: a browser sends each line break as CR LF, and Python counts
  // code points where JavaScript counts UTF-16 units.
  function submittedLength(value) {
    return Array.from(value.replace(/\r?\n/g, "\r\n")).length;
  }

  function message(length, limit) {
    var left = limit - length;
    if (left >= 0) {
      return {
        over: false,
        text: "Il vous reste " + numbers.format(left) + (left > 1 ? " caractères." : " caractère."),
      };
    }
    var excess = -left;
    return {
      over: true,
      text: numbers.format(excess) + (excess > 1 ? " caractères" : " caractère") +
        " de trop : raccourcissez votre texte.",
    };
  }

  function enhance(field) {
    var limit = parseInt(field.getAttribute("data-egts-max-length"), 10);
    var group = document.getElementById(field.id + "-limit");
    if (!limit || !group) {
      return;
    }
    var count = document.createElement("p");
    count.className = "fr-message egts-length-count";
    count.setAttribute("aria-hidden", "true");
    var live = document.createElement("p");
    live.className = "fr-sr-only";
    live.setAttribute("aria-live", "polite");
    group.appendChild(count);
    group.appendChild(live);
    var timer = null;

    function update(announce) {
      var state = message(submittedLength(field.value), limit);
      count.textContent = state.text;
      count.classList.toggle("fr-message--error", state.over);
      window.clearTimeout(timer);
      if (announce) {
        timer = window.setTimeout(function () {
          live.textContent = state.text;
        }, PAUSE);
      }
    }

    field.addEventListener("input", function () {
      update(true);
    });
    update(false);
  }

  function init() {
    document.querySelectorAll("textarea[data-egts-max-length]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
