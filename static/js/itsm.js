// SLA countdowns on the ticket pages: tick every second, amber under an hour, red when overdue.
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
  function tick() {
    const now = Date.now();
    document.querySelectorAll("time.countdown").forEach(function (el) {
      const due = Date.parse(el.getAttribute("datetime"));
      if (Number.isNaN(due)) return;
      const left = due - now;
      el.textContent = format(left);
      el.classList.toggle("overdue", left < 0);
      el.classList.toggle("soon", left >= 0 && left < 3600000);
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
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
    drawBars(document);
  });
  // Content swapped in by htmx gets its bars drawn too.
  document.addEventListener("htmx:load", function (event) {
    drawBars(event.target);
  });
})();
