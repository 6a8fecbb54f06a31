// SLA policy form (sla/admin/fields.py): "Add a row" appends an empty escalation row. The rows
// are numbered fields (<name>-<n>-at, -notify, -DELETE) counted by <name>-TOTAL; without
// JavaScript the form still has one empty row to fill and a box to remove each row.
(function () {
  "use strict";

  function addRow(box) {
    var name = box.getAttribute("data-rows-name");
    var total = box.querySelector('input[name="' + name + '-TOTAL"]');
    var rows = box.querySelectorAll("tr.sla-row");
    var last = rows[rows.length - 1];
    var index = parseInt(total.value, 10);
    var row = last.cloneNode(true);
    row.querySelectorAll("select, input").forEach(function (field) {
      field.name = field.name.replace(/-\d+-/, "-" + index + "-");
      if (field.tagName === "SELECT") { field.selectedIndex = 0; } else { field.checked = false; }
    });
    last.parentNode.appendChild(row);
    total.value = String(index + 1);
    row.querySelector("select").focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".sla-rows").forEach(function (box) {
      box.querySelector(".sla-add-row").addEventListener("click", function () { addRow(box); });
    });
  });
})();
