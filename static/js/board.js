// Kanban drag and drop (columns in swimlanes too): dropping a card on a column submits the card's own move form (the same
// POST as its "Move" button), so the server's rules and WIP limits decide.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".kcard").forEach(function (card) {
      card.addEventListener("dragstart", function (event) {
        event.dataTransfer.setData("text/plain", card.dataset.ticket);
        event.dataTransfer.effectAllowed = "move";
      });
    });
    document.querySelectorAll(".board .column").forEach(function (column) {
      // Agent columns take no drops: ownership changes by accept and transfer only.
      if (column.dataset.drop === "false") return;
      column.addEventListener("dragover", function (event) {
        event.preventDefault();
        column.classList.add("drop-target");
      });
      column.addEventListener("dragleave", function () {
        column.classList.remove("drop-target");
      });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        column.classList.remove("drop-target");
        const id = event.dataTransfer.getData("text/plain");
        const card = document.querySelector('.kcard[data-ticket="' + CSS.escape(id) + '"]');
        if (!card || card.closest(".column") === column) return;
        const form = card.querySelector("form.move");
        if (!form) return;
        form.elements.to.value = column.dataset.column;
        if (column.dataset.column === "resolved") {
          const resolution = window.prompt("How was it resolved?");
          if (resolution === null) return;
          form.elements.resolution.value = resolution;
        }
        form.submit();
      });
    });
  });
})();
