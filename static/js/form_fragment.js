// Shared by the admin's "try it" and "preview" panels (static/js/rule_form.js,
// static/js/weights_preview.js): post a form as it stands and show the HTML fragment the
// server answers (nothing is saved), or the failure. A static file: the CSP runs no inline code.
window.itsmPostFormFragment = function (url, form, result, busyText) {
  "use strict";
  result.textContent = busyText;
  return fetch(url, {
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
};
