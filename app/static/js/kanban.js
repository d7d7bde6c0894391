/* Kanban board of the project library: drag a card to another stage column,
   say why when the move needs it, and post to the same endpoint the project
   page's stage form uses. The server enforces every rule (a refused move
   shows the server's message in the dialog); the hint shown here is only a
   courtesy. Without JavaScript the cards are plain links. */
(function () {
  "use strict";
  var board = document.getElementById("kanban");
  var modalEl = document.getElementById("moveModal");
  if (!board || !modalEl || !window.bootstrap) { return; }

  var text = document.getElementById("kanbanText").dataset;
  var form = document.getElementById("moveForm");
  var modal = new window.bootstrap.Modal(modalEl);
  var summary = modalEl.querySelector('[data-role="summary"]');
  var hint = modalEl.querySelector('[data-role="hint"]');
  var error = modalEl.querySelector('[data-role="error"]');
  var note = form.elements.note;
  var dragged = null;

  function columnOf(el) { return el.closest(".kanban-column"); }

  function show(el, message) {
    el.textContent = message || "";
    el.classList.toggle("d-none", !message);
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest('.kanban-card[draggable="true"]');
    if (!card) { event.preventDefault(); return; }
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.projectId);
  });

  board.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    board.querySelectorAll(".drop-target").forEach(function (el) { el.classList.remove("drop-target"); });
  });

  board.addEventListener("dragover", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column || column.dataset.stage === dragged.dataset.stage) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    board.querySelectorAll(".drop-target").forEach(function (el) {
      if (el !== column) { el.classList.remove("drop-target"); }
    });
    column.classList.add("drop-target");
  });

  board.addEventListener("drop", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column || column.dataset.stage === dragged.dataset.stage) { return; }
    event.preventDefault();
    column.classList.remove("drop-target");
    openDialog(dragged, column);
  });

  function openDialog(card, column) {
    var from = board.querySelector('.kanban-column[data-stage="' + card.dataset.stage + '"]');
    var step = Number(column.dataset.index) - Number(card.dataset.index);
    form.action = card.dataset.url;
    form.elements.to.value = column.dataset.stage;
    note.value = "";
    summary.textContent = text.summary
      .replace("{name}", card.dataset.name)
      .replace("{from}", from ? from.dataset.label : card.dataset.stage)
      .replace("{to}", column.dataset.label);
    var needsNote = step > 1 || step < 0;
    show(hint, step > 1 ? text.skip : (step < 0 ? text.back : ""));
    note.required = needsNote;
    show(error, "");
    modal.show();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(error, "");
    var button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": board.dataset.csrf }
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false, message: text.failed }; });
    }).then(function (result) {
      if (result.ok) {
        window.location.reload();
        return;
      }
      show(error, result.message || text.failed);
      button.disabled = false;
    }).catch(function () {
      show(error, text.failed);
      button.disabled = false;
    });
  });
})();
