// Collision detection on the ticket page: who else has it open, and who is replying, over
// /ws/tickets/<id>/presence/. Typing is announced while the composer changes, idle after 4 s.
(function () {
  "use strict";
  const box = document.getElementById("presence");
  if (!box || !window.WebSocket) return;
  const others = new Map(); // user id -> {name, typing}
  const list = box.querySelector("[data-presence-list]");
  const typing = box.querySelector("[data-presence-typing]");
  let socket = null;
  let idleTimer = null;
  let announced = false;

  function render() {
    const here = Array.from(others.values());
    list.textContent = here.length ? "Also here: " + here.map((u) => u.name).join(", ") : "";
    const writers = here.filter((u) => u.typing).map((u) => u.name);
    typing.textContent = writers.length ? writers.join(", ") + " is replying…" : "";
    box.dataset.state = socket && socket.readyState === WebSocket.OPEN ? "connected" : "offline";
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + box.dataset.ws);
    socket.addEventListener("open", render);
    socket.addEventListener("message", function (event) {
      const message = JSON.parse(event.data);
      if (message.type !== "presence") return;
      const id = String(message.user.id);
      if (message.state === "left") others.delete(id);
      else others.set(id, { name: message.user.name, typing: message.state === "typing" });
      render();
    });
    socket.addEventListener("close", function () {
      others.clear();
      render();
      setTimeout(connect, 3000); // the server went away: try again
    });
  }

  function send(isTyping) {
    if (announced === isTyping || !socket || socket.readyState !== WebSocket.OPEN) return;
    announced = isTyping;
    socket.send(JSON.stringify({ type: "typing", typing: isTyping }));
  }

  const composer = document.getElementById("id_content");
  if (composer) {
    composer.addEventListener("input", function () {
      send(true);
      clearTimeout(idleTimer);
      idleTimer = setTimeout(function () { send(false); }, 4000);
    });
    composer.addEventListener("blur", function () { send(false); });
  }
  connect();
})();
