// The header's notification bell, live: /ws/notifications/ sends the unread count when it
// opens and with each notification.created, and every unread counter of the page shows it.
// A dropped socket reconnects with backoff; 4401
// (signed out) and 4403 (no bell for this role) are final.
(function () {
  "use strict";
  const script = document.currentScript;
  const path = (script && script.dataset.wsPath) || "/ws/notifications/";
  let attempt = 0;

  function show(count) {
    document.querySelectorAll(".unread-count").forEach(function (el) {
      el.dataset.unread = String(count);
      el.textContent = String(count);
    });
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(scheme + "//" + window.location.host + path);
    socket.addEventListener("open", function () {
      attempt = 0;
      document.documentElement.dataset.bell = "live";
    });
    socket.addEventListener("message", function (message) {
      const payload = JSON.parse(message.data);
      if (Number.isInteger(payload.unread)) show(payload.unread);
    });
    socket.addEventListener("close", function (closed) {
      document.documentElement.dataset.bell = "offline";
      if (closed.code === 4401 || closed.code === 4403) return;
      attempt += 1;
      const delay = Math.min(30000, 1000 * Math.pow(2, Math.min(attempt, 5)));
      window.setTimeout(connect, delay * (0.75 + Math.random() * 0.5));
    });
  }

  connect();
})();
