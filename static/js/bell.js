// The header's notification bell, live: each notification.created on /ws/notifications/ adds
// one to every unread counter of the page. A dropped socket reconnects with backoff; 4401
// (signed out) and 4403 (no bell for this role) are final.
(function () {
  "use strict";
  const script = document.currentScript;
  const path = (script && script.dataset.wsPath) || "/ws/notifications/";
  let attempt = 0;

  function bump() {
    document.querySelectorAll(".unread-count").forEach(function (el) {
      const count = (Number.parseInt(el.dataset.unread, 10) || 0) + 1;
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
      if (payload.type === "notification.created") bump();
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
