/* Progress of an analysis run: polls the small JSON status endpoint and updates the
 * <progress> bar and its polite live region; reloads the page once the run is finished
 * so the topics (or the error) appear. Without JavaScript the page refreshes itself
 * (<noscript> meta refresh), and a reload shows the same. */
(function () {
  "use strict";

  var box = document.getElementById("analysis-progress");
  if (!box || box.getAttribute("data-finished") === "true") { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("analysis-progress-bar");
  var status = document.getElementById("analysis-status");
  var lastMessage = status ? status.textContent : "";

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 5000); return; }
        bar.value = data.progress;
        bar.textContent = data.progress + " %";
        if (data.message !== lastMessage) {
          status.textContent = data.message;
          lastMessage = data.message;
        }
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
})();
