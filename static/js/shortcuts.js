// Keyboard shortcuts of the ticket page, listed in the dialog #shortcuts (opened with "?").
// They never fire while the focus is in a field (typing "r" in a reply stays a letter), nor
// with Ctrl, Alt or Meta held (the browser's own shortcuts).
(function () {
  "use strict";
  function typing(el) {
    if (!el || !el.tagName) return false;
    return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].indexOf(el.tagName) !== -1;
  }
  function help() {
    return document.getElementById("shortcuts");
  }
  function toggleHelp() {
    const dialog = help();
    if (!dialog) return false;
    if (dialog.open) dialog.close();
    else dialog.showModal();
    return true;
  }
  function compose(visibility) {
    const form = document.getElementById("composer");
    if (!form) return false;
    const choice = form.querySelector('input[name="visibility"][value="' + visibility + '"]');
    if (choice && !choice.checked) choice.click();
    const area = form.querySelector("textarea");
    if (!area) return false;
    area.scrollIntoView({ block: "center" });
    area.focus();
    return true;
  }
  function press(selector) {
    const button = document.querySelector(selector);
    if (!button) return false;
    button.click();
    return true;
  }
  function focus(selector) {
    const field = document.querySelector(selector);
    if (!field) return false;
    field.scrollIntoView({ block: "center" });
    field.focus();
    return true;
  }
  function follow(id) {
    const link = document.getElementById(id);
    if (!link) return false;
    window.location.assign(link.href);
    return true;
  }
  const KEYS = {
    r: function () { return compose("public"); },
    n: function () { return compose("internal"); },
    a: function () { return press('#actions form[action$="/accept/"] button'); },
    s: function () { return focus('#resolve-form input[name="resolution"]'); },
    p: function () { return focus('#properties-form select[name="priority"]'); },
    j: function () { return follow("next-ticket"); },
    k: function () { return follow("previous-ticket"); },
    "?": toggleHelp,
  };
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    const dialog = help();
    if (dialog && dialog.open && event.key !== "?") return;
    const act = KEYS[event.key];
    if (act && act()) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("#shortcuts-open")) toggleHelp();
  });
})();
