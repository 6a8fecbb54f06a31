// The scoring weights form in the admin (routing/admin/weights.py): "Preview" posts the form as
// it stands and shows what the last decisions would have been under those weights. Also after
// each change of a weight, a moment later. A static file: the CSP runs no inline code.
(function () {
  "use strict";

  function setUp(panel) {
    const form = panel.closest("form");
    const result = document.getElementById("preview-result");
    let timer = null;

    function preview() {
      window.itsmPostFormFragment(panel.dataset.url, form, result, "Replaying…");
    }

    document.getElementById("preview-button").addEventListener("click", preview);
    form.querySelectorAll("input[name$='_weight']").forEach(function (field) {
      field.addEventListener("change", function () {
        clearTimeout(timer);
        timer = setTimeout(preview, 400);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const panel = document.getElementById("weights-preview");
    if (panel) setUp(panel);
  });
})();
