// Tag inputs (core/tag_input.py): the comma-separated text box becomes chips with a remove
// button and an entry box offering the <datalist> suggestions. The original input stays in the
// form (hidden) and always holds the tags joined by ", ", which is what the server reads.
(function () {
  "use strict";

  function split(text) {
    return text.split(",").map(function (tag) { return tag.trim(); }).filter(Boolean);
  }

  function enhance(source) {
    var tags = split(source.value);
    var box = document.createElement("div");
    box.className = "tag-input";
    var chips = document.createElement("span");
    chips.className = "tag-input-chips";
    var entry = document.createElement("input");
    entry.type = "text";
    entry.className = "tag-input-entry";
    entry.id = source.id + "_entry";
    entry.setAttribute("list", source.getAttribute("list"));
    entry.setAttribute("autocomplete", "off");
    entry.setAttribute("aria-label", "Add a tag");
    entry.placeholder = "Add…";
    source.removeAttribute("list");
    source.type = "hidden";
    source.parentNode.insertBefore(box, source);
    box.appendChild(chips);
    box.appendChild(entry);
    box.appendChild(source);

    function render() {
      source.value = tags.join(", ");
      chips.replaceChildren();
      tags.forEach(function (tag, index) {
        var chip = document.createElement("span");
        chip.className = "tag-input-chip";
        chip.textContent = tag;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "tag-input-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "Remove " + tag);
        remove.addEventListener("click", function () {
          tags.splice(index, 1);
          render();
          entry.focus();
        });
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
    }

    function take() {
      split(entry.value).forEach(function (tag) {
        if (tags.indexOf(tag) === -1) { tags.push(tag); }
      });
      entry.value = "";
      render();
    }

    entry.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === ",") {
        event.preventDefault();
        take();
      } else if (event.key === "Backspace" && entry.value === "" && tags.length) {
        tags.pop();
        render();
      }
    });
    // A suggestion picked from the list arrives as a change, with no key pressed.
    entry.addEventListener("change", take);
    if (source.form) { source.form.addEventListener("submit", take); }
    render();
  }

  function start() {
    document.querySelectorAll("input[data-tag-input]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
