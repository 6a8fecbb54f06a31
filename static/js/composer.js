// The composer on the ticket page (templates/desk/_composer.html): reply / note tabs, files
// dropped on the form, a canned response inserted at the cursor and @mentions completed from
// the staff-only endpoint. Without JavaScript the form still posts (radios and a file input).
(function () {
  "use strict";
  const form = document.getElementById("composer");
  if (!form) return;
  form.classList.add("has-js");
  const text = form.querySelector("#id_content");

  // Tabs: a note is tinted so nobody sends one to the requester by mistake.
  function showKind() {
    const chosen = form.querySelector('input[name="visibility"]:checked');
    form.classList.toggle("composer-internal", !!chosen && chosen.value === "internal");
  }
  form.querySelectorAll('input[name="visibility"]').forEach(function (radio) {
    radio.addEventListener("change", showKind);
  });
  showKind();

  function insertAtCursor(value) {
    const start = text.selectionStart;
    const end = text.selectionEnd;
    text.value = text.value.slice(0, start) + value + text.value.slice(end);
    text.selectionStart = text.selectionEnd = start + value.length;
    text.focus();
    text.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Files: dropped ones join those already chosen in the one file input that is posted.
  const input = form.querySelector("#id_files");
  const zone = form.querySelector("#dropzone");
  const list = form.querySelector("#file-list");
  function listFiles() {
    list.replaceChildren();
    Array.from(input.files).forEach(function (file) {
      const item = document.createElement("li");
      item.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
      list.appendChild(item);
    });
  }
  input.addEventListener("change", listFiles);
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("drag-over");
    });
  });
  zone.addEventListener("dragleave", function () {
    zone.classList.remove("drag-over");
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    zone.classList.remove("drag-over");
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    const merged = new DataTransfer();
    Array.from(input.files).concat(Array.from(event.dataTransfer.files)).forEach(function (file) {
      merged.items.add(file);
    });
    input.files = merged.files;
    listFiles();
  });

  // Canned responses: filled in on the server for this ticket, inserted as plain text.
  const picker = form.querySelector("#id_canned");
  const insert = form.querySelector("#canned-insert");
  if (picker && insert) {
    insert.addEventListener("click", function () {
      if (!picker.value) return;
      const url = form.dataset.cannedUrl.replace(/\/0\/$/, "/" + picker.value + "/");
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("canned response " + response.status);
          return response.json();
        })
        .then(function (data) {
          insertAtCursor(data.text);
        });
    });
  }

  // @mentions: the word being typed after "@" is completed from the staff list.
  const menu = form.querySelector("#mention-list");
  if (!menu || !form.dataset.mentionsUrl) return;
  let active = -1;
  let timer = null;
  let asked = "";

  function typedMention() {
    const before = text.value.slice(0, text.selectionStart);
    const found = /(^|[\s(])@([\w.+-]{0,50})$/.exec(before);
    return found ? found[2] : null;
  }
  function closeMenu() {
    menu.hidden = true;
    menu.replaceChildren();
    active = -1;
    text.removeAttribute("aria-activedescendant");
  }
  function choose(username) {
    const caret = text.selectionStart;
    const before = text.value.slice(0, caret).replace(/@[\w.+-]*$/, "@" + username + " ");
    text.value = before + text.value.slice(caret);
    text.selectionStart = text.selectionEnd = before.length;
    closeMenu();
    text.focus();
  }
  function highlight(index) {
    const items = menu.querySelectorAll("li");
    if (!items.length) return;
    active = (index + items.length) % items.length;
    items.forEach(function (item, i) {
      item.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    text.setAttribute("aria-activedescendant", items[active].id);
  }
  function show(results) {
    menu.replaceChildren();
    results.forEach(function (person, i) {
      const item = document.createElement("li");
      item.id = "mention-option-" + i;
      item.setAttribute("role", "option");
      item.dataset.username = person.username;
      item.textContent = person.name + " (@" + person.username + ")";
      item.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the caret in the textarea
        choose(person.username);
      });
      menu.appendChild(item);
    });
    menu.hidden = results.length === 0;
    if (results.length) highlight(0);
  }
  function lookUp() {
    const typed = typedMention();
    if (typed === null) return closeMenu();
    if (typed === asked && !menu.hidden) return;
    asked = typed;
    const url = form.dataset.mentionsUrl + "?q=" + encodeURIComponent(typed);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (data) {
        if (typedMention() === typed) show(data.results);
      });
  }
  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 150);
  });
  text.addEventListener("keydown", function (event) {
    if (menu.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" || event.key === "Tab") {
      const item = menu.querySelectorAll("li")[active];
      if (item) {
        event.preventDefault();
        choose(item.dataset.username);
      }
    } else if (event.key === "Escape") {
      closeMenu();
    }
  });
  text.addEventListener("blur", function () {
    setTimeout(closeMenu, 100);
  });
})();
