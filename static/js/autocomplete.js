// Suggestions for the text fields marked data-autocomplete="<url>" (the list's filters, the
// ticket's category): the JSON endpoint desk.pages.autocomplete answers {results: [{value,
// label}]}, written into the field's <datalist>. The browser does the rest (keyboard, picking).
(function () {
  "use strict";
  const DELAY_MS = 200;
  const timers = new WeakMap();
  const asked = new WeakMap();
  function fill(input, results) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    list.replaceChildren.apply(
      list,
      results.map(function (item) {
        const option = document.createElement("option");
        option.value = item.value;
        if (item.label && item.label !== item.value) option.label = item.label;
        return option;
      })
    );
  }
  function lookup(input) {
    const url = new URL(input.dataset.autocomplete, window.location.href);
    url.searchParams.set("q", input.value.trim());
    const ticket = (asked.get(input) || 0) + 1;
    asked.set(input, ticket);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (asked.get(input) === ticket) fill(input, data.results || []);  // the latest only
      })
      .catch(function () {});
  }
  function later(event) {
    const input = event.target;
    if (!input.matches || !input.matches("input[data-autocomplete]")) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { lookup(input); }, DELAY_MS));
  }
  document.addEventListener("input", later);
  document.addEventListener("focusin", later);
})();
