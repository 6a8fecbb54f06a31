// SLA countdowns on the ticket pages: tick every second, amber past the SLA's warning, red when
// overdue. Relative times ("5 min ago") kept current.
// Allocation score bars drawn from their data-percent.
(function () {
  "use strict";
  function format(ms) {
    const minutes = Math.floor(Math.abs(ms) / 60000);
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const rest = minutes % 60;
    const text = (days ? days + "d " : "") + (days || hours ? hours + "h " : "") + rest + "m";
    return ms >= 0 ? text + " left" : "overdue " + text;
  }
  // Relative times, worded as core/templatetags/when.py words them on the server.
  function span(ms) {
    const seconds = Math.abs(ms) / 1000;
    if (seconds < 3600) return Math.floor(seconds / 60) + " min";
    if (seconds < 86400) return Math.floor(seconds / 3600) + " h";
    return Math.floor(seconds / 86400) + " d";
  }
  function relative(ms) {
    if (Math.abs(ms) < 60000) return "just now";
    return ms > 0 ? "in " + span(ms) : span(ms) + " ago";
  }
  // Only running targets carry a countdown (the server leaves met, paused and stopped clocks
  // without one); it turns amber at the SLA's own warning instant (data-warn), red past due.
  function tick() {
    const now = Date.now();
    document.querySelectorAll("time.countdown").forEach(function (el) {
      const due = Date.parse(el.getAttribute("datetime"));
      if (Number.isNaN(due)) return;
      const left = due - now;
      const warn = Date.parse(el.dataset.warn || "");
      el.textContent = format(left);
      el.classList.toggle("overdue", left < 0);
      el.classList.toggle("soon", left >= 0 && !Number.isNaN(warn) && warn <= now);
    });
  }
  function refreshRelative() {
    const now = Date.now();
    document.querySelectorAll("time.relative").forEach(function (el) {
      const at = Date.parse(el.getAttribute("datetime"));
      if (!Number.isNaN(at)) el.textContent = relative(at - now);
    });
  }
  // Score bars: the width comes from data-percent and is set through the CSSOM, which the
  // Content-Security-Policy allows (a style="" attribute would need 'unsafe-inline').
  function drawBars(root) {
    root.querySelectorAll(".bar-fill[data-percent]").forEach(function (el) {
      const percent = Number.parseFloat(el.dataset.percent);
      el.style.width = Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) + "%" : "0";
    });
  }
  // The header's menu on narrow screens (the CSS shows the button only there).
  function wireMenu() {
    const toggle = document.querySelector(".menu-toggle");
    const bar = document.getElementById("topbar");
    if (!toggle || !bar) return;
    toggle.addEventListener("click", function () {
      const open = bar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    wireMenu();
    tick();
    setInterval(tick, 1000);
    setInterval(refreshRelative, 30000);
    drawBars(document);
  });
  // Content swapped in by htmx gets its bars drawn too.
  document.addEventListener("htmx:load", function (event) {
    drawBars(event.target);
  });
})();
