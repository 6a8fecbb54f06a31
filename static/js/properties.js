// The ticket page's properties sidebar (templates/desk/_properties.html). A refused change
// (400, 403, 409) answers with the page holding the message at the top and the field's error:
// htmx leaves 4xx answers unswapped by default, so this swaps them like a success.
(function () {
  "use strict";
  const SHOWN = [400, 403, 409];
  document.addEventListener("htmx:beforeSwap", function (event) {
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!source || !source.closest || !source.closest("#properties")) return;
    if (SHOWN.indexOf(event.detail.xhr.status) !== -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
