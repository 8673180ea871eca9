/* Back-office of the assises: progressive enhancement of the proposals ranking.
 * Without JavaScript, "Monter", "Descendre" and "Placer" are plain POST forms.
 * With it, they answer in place (focus stays on the pressed button, the new rank is
 * announced to screen readers) and items can also be dragged with a mouse. */
(function () {
  "use strict";

  function renumber(list) {
    var items = list.querySelectorAll("[data-id]");
    items.forEach(function (item, index) {
      var rank = item.querySelector(".egts-ranking__rank");
      if (rank) { rank.textContent = (index + 1) + "."; }
      var input = item.querySelector("input[name=rank]");
      if (input) { input.value = index + 1; }
    });
  }

  function announce(text) {
    var status = document.getElementById("ranking-status");
    if (status) { status.textContent = text; }
  }

  function applyOrder(list, order) {
    order.forEach(function (id) {
      var item = list.querySelector('[data-id="' + id + '"]');
      if (item) { list.appendChild(item); }
    });
    renumber(list);
  }

  function send(list, form, onDone) {
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status === 200) {
        onDone(JSON.parse(request.responseText).order);
      } else {
        form.submit();
      }
    };
    request.onerror = function () { form.submit(); };
    request.send(new FormData(form));
  }

  function enhance(list) {
    list.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches("[data-move], [data-rank]")) { return; }
      event.preventDefault();
      var item = form.closest("[data-id]");
      var button = document.activeElement;
      var buttonIndex = Array.prototype.indexOf.call(item.querySelectorAll("button"), button);
      send(list, form, function (order) {
        applyOrder(list, order);
        var position = order.indexOf(parseInt(item.dataset.id, 10)) + 1;
        var buttons = item.querySelectorAll("button");
        if (buttonIndex >= 0 && buttons[buttonIndex]) { buttons[buttonIndex].focus(); }
        announce("« " + item.dataset.title + " » est maintenant au rang " + position + ".");
      });
    });

    var dragged = null;
    list.querySelectorAll("[data-id]").forEach(function (item) {
      item.setAttribute("draggable", "true");
      item.addEventListener("dragstart", function (event) {
        dragged = item;
        item.classList.add("egts-ranking__item--dragged");
        event.dataTransfer.effectAllowed = "move";
      });
      item.addEventListener("dragend", function () {
        item.classList.remove("egts-ranking__item--dragged");
      });
      item.addEventListener("dragover", function (event) {
        if (dragged && dragged !== item) { event.preventDefault(); }
      });
      item.addEventListener("drop", function (event) {
        event.preventDefault();
        if (!dragged || dragged === item) { return; }
        var items = Array.prototype.slice.call(list.querySelectorAll("[data-id]"));
        var form = dragged.querySelector("[data-rank]");
        form.querySelector("input[name=rank]").value = items.indexOf(item) + 1;
        var moved = dragged;
        send(list, form, function (order) {
          applyOrder(list, order);
          var position = order.indexOf(parseInt(moved.dataset.id, 10)) + 1;
          announce("« " + moved.dataset.title + " » est maintenant au rang " + position + ".");
        });
        dragged = null;
      });
    });
  }

  document.querySelectorAll("[data-ranking][data-can-rank]").forEach(enhance);
})();

/* Moderation queue: a "select all" box, shown only when JavaScript can drive it. */
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    var form = box.closest("form");
    box.closest(".egts-select-all").hidden = false;
    box.addEventListener("change", function () {
      form.querySelectorAll("[data-item]").forEach(function (item) {
        item.checked = box.checked;
      });
    });
  });
})();
