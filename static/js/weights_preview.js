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
      result.textContent = "Replaying…";
      fetch(panel.dataset.url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error("The server answered " + response.status);
          return response.text();
        })
        .then(function (html) {
          result.innerHTML = html;
        })
        .catch(function (error) {
          result.textContent = String(error);
        });
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
