// The routing rule form in the admin (routing/admin/rule_forms.py): condition and action rows
// added, removed and reordered; each row shows the input its field and operator need; the
// "try it" panel posts the form as it stands and shows the answer. A static file: the site's
// Content-Security-Policy runs no inline code.
(function () {
  "use strict";

  function rows(fieldset) {
    return Array.from(fieldset.querySelectorAll(".rule-body > tr.rule-row"));
  }

  function input(row, name) {
    return row.querySelector("[name$='-" + name + "']");
  }

  // Position travels in the hidden ORDER inputs, in the order the rows stand on the page.
  function renumber(fieldset) {
    let position = 1;
    rows(fieldset).forEach(function (row) {
      const order = input(row, "ORDER");
      if (order) order.value = String(position++);
    });
  }

  function show(element, visible) {
    if (!element) return;
    element.hidden = !visible;
    element.disabled = !visible;
  }

  // --- conditions --------------------------------------------------------------------------

  function conditionWidget(fieldset, field, op) {
    const enums = fieldset.dataset.enumFields.split(" ");
    const numeric = fieldset.dataset.numericFields.split(" ");
    if (op === "gte" || op === "lte" || (numeric.includes(field) && op === "equals")) return "number";
    if (enums.includes(field) && (op === "equals" || op === "in")) return "choices";
    return "text";
  }

  function updateCondition(fieldset, row) {
    const field = input(row, "field").value;
    const opSelect = input(row, "op");
    const numeric = fieldset.dataset.numericFields.split(" ").includes(field);
    Array.from(opSelect.options).forEach(function (option) {
      const byNumber = option.value === "gte" || option.value === "lte";
      const byText = option.value === "contains" || option.value === "matches";
      option.disabled = numeric ? byText : byNumber;
    });
    if (opSelect.selectedOptions[0] && opSelect.selectedOptions[0].disabled) {
      opSelect.value = numeric ? "gte" : "equals";
    }
    const op = opSelect.value;
    const kind = conditionWidget(fieldset, field, op);
    const choices = input(row, "choices");
    show(choices, kind === "choices");
    show(input(row, "text"), kind === "text");
    show(input(row, "number"), kind === "number");
    choices.multiple = op === "in";
    Array.from(choices.querySelectorAll("optgroup")).forEach(function (group) {
      const mine = group.label === field;
      group.hidden = !mine;
      Array.from(group.querySelectorAll("option")).forEach(function (option) {
        if (!mine) option.selected = false;
      });
    });
    const text = input(row, "text");
    text.placeholder = op === "in" ? "values, separated by commas" : op === "matches" ? "regular expression" : "";
  }

  // --- actions -----------------------------------------------------------------------------

  const ACTION_INPUTS = {
    assign: ["to"],
    notify: ["to", "message"],
    set_priority: ["priority"],
    set_category: ["category"],
    add_flag: ["flag"],
  };
  const TARGET_GROUPS = { assign: ["Teams", "Agents", "Unknown"], notify: ["People", "Teams", "Agents", "Unknown"] };

  function updateAction(fieldset, row) {
    const type = input(row, "type").value;
    const wanted = ACTION_INPUTS[type] || [];
    ["to", "priority", "category", "flag", "message"].forEach(function (name) {
      show(input(row, name), wanted.includes(name));
    });
    const to = input(row, "to");
    const groups = TARGET_GROUPS[type] || [];
    Array.from(to.querySelectorAll("optgroup")).forEach(function (group) {
      group.hidden = !groups.includes(group.label);
    });
    const chosen = to.selectedOptions[0];
    if (chosen && chosen.parentElement.hidden) to.value = "";
    const message = input(row, "message");
    if (message) message.placeholder = "message (optional)";
  }

  // --- rows --------------------------------------------------------------------------------

  function wire(fieldset, row, update) {
    row.addEventListener("change", function () {
      update(fieldset, row);
    });
    row.querySelector(".rule-remove").addEventListener("click", function () {
      const remove = input(row, "DELETE");
      remove.value = "on";
      row.hidden = true;
      row.classList.add("rule-removed");
      row.parentElement.appendChild(row); // removed rows sort last, out of the way
      renumber(fieldset);
    });
    row.querySelector(".rule-up").addEventListener("click", function () {
      const previous = row.previousElementSibling;
      if (previous) row.parentElement.insertBefore(row, previous);
      renumber(fieldset);
    });
    row.querySelector(".rule-down").addEventListener("click", function () {
      const next = row.nextElementSibling;
      if (next && !next.hidden) row.parentElement.insertBefore(next, row);
      renumber(fieldset);
    });
    update(fieldset, row);
  }

  function setUp(fieldset, update) {
    const total = fieldset.querySelector("input[name$='-TOTAL_FORMS']");
    const body = fieldset.querySelector(".rule-body");
    const template = fieldset.querySelector("template.rule-empty");
    rows(fieldset).forEach(function (row) {
      wire(fieldset, row, update);
    });
    fieldset.querySelector(".rule-add").addEventListener("click", function () {
      const index = Number(total.value);
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      const holder = document.createElement("tbody");
      holder.innerHTML = html;
      const row = holder.querySelector("tr");
      const firstRemoved = body.querySelector("tr.rule-removed");
      body.insertBefore(row, firstRemoved);
      total.value = String(index + 1);
      wire(fieldset, row, update);
      renumber(fieldset);
    });
    renumber(fieldset);
  }

  // --- try it ------------------------------------------------------------------------------

  function setUpTry(panel) {
    const button = document.getElementById("try-button");
    const result = document.getElementById("try-result");
    button.addEventListener("click", function () {
      window.itsmPostFormFragment(panel.dataset.url, panel.closest("form"), result, "Trying…");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const conditions = document.getElementById("rule-conditions");
    const actions = document.getElementById("rule-actions");
    if (conditions) setUp(conditions, updateCondition);
    if (actions) setUp(actions, updateAction);
    const panel = document.getElementById("try-it");
    if (panel) setUpTry(panel);
  });
})();
