// The contribution form: while one types the title or the text, ask the API for similar
// published contributions and list them (title and link) in the aria-live panel. Without
// JavaScript the form's "Voir les contributions proches" button does the same on the server.
(function () {
  "use strict";
  var DELAY = 600;
  var MIN_LENGTH = 10;
  function init() {
    var panel = document.querySelector("[data-egts-similar-url]");
    var live = document.getElementById("similar-live");
    var fields = ["id_title", "id_body"].map(function (id) {
      return document.getElementById(id);
    }).filter(Boolean);
    if (!panel || !live || !fields.length || !window.fetch) {
      return;
    }
    var url = panel.getAttribute("data-egts-similar-url");
    var detail = panel.getAttribute("data-egts-similar-detail");
    var timer = null;
    var last = "";
    var controller = null;
    function link(item) {
      var a = document.createElement("a");
      a.href = detail.replace(/0\/$/, item.id + "/");
      a.target = "_blank";
      a.rel = "noopener";
      a.title = item.title + " - " + panel.getAttribute("data-egts-similar-window");
      a.textContent = item.title;
      return a;
    }
    function show(results) {
      live.textContent = "";
      if (!results.length) {
        var p = document.createElement("p");
        p.className = "fr-text--sm";
        p.textContent = panel.getAttribute("data-egts-similar-empty");
        live.appendChild(p);
        return;
      }
      var list = document.createElement("ul");
      list.className = "egts-similar__list";
      results.forEach(function (item) {
        var li = document.createElement("li");
        li.appendChild(link(item));
        list.appendChild(li);
      });
      live.appendChild(list);
    }
    function lookUp() {
      var text = fields.map(function (f) { return f.value; }).join(" ").trim();
      if (text.length < MIN_LENGTH || text === last) {
        return;
      }
      last = text;
      if (controller) {
        controller.abort();
      }
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?text=" + encodeURIComponent(text.slice(0, 5000)), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        // A refused text (400) or the rate limit (429) leaves the panel as it was.
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (data && data.results) {
          show(data.results);
        }
      }).catch(function () {});
    }
    fields.forEach(function (field) {
      field.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(lookUp, DELAY);
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
