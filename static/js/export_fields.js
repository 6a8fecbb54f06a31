// The export page's "select all" box (templates/admin/import_export/export.html), wired here
// instead of an inline onchange attribute.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var toggle = document.getElementById("select-all-toggle");
  if (!toggle) { return; }
  toggle.addEventListener("change", function () {
    var boxes = document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]');
    boxes.forEach(function (box) { box.checked = toggle.checked; });
  });
});
