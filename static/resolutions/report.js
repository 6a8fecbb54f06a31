// The calibration report's charts, from the data the page carries in a json_script block
// (the CSP allows no inline script).
(function () {
  "use strict";
  var source = document.getElementById("calibration-charts");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var weeks = data.trend.map(function (w) { return w.period; });
  var palette = ["#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2"];

  new Chart(document.getElementById("chart-upheld"), {
    type: "line",
    data: { labels: weeks, datasets: [{ label: "Upheld %", data: data.trend.map(function (w) { return w.upheld_pct; }), borderColor: palette[0], spanGaps: true }] },
    options: { animation: false, scales: { y: { min: 0, max: 100 } } }
  });

  var currencies = [];
  data.trend.forEach(function (w) { w.totals.forEach(function (t) { if (currencies.indexOf(t.currency) < 0) { currencies.push(t.currency); } }); });
  new Chart(document.getElementById("chart-totals"), {
    type: "bar",
    data: {
      labels: weeks,
      datasets: currencies.map(function (currency, i) {
        return {
          label: currency,
          backgroundColor: palette[i % palette.length],
          data: data.trend.map(function (w) {
            var found = w.totals.filter(function (t) { return t.currency === currency; })[0];
            return found ? Number(found.amount) : 0;
          })
        };
      })
    },
    options: { animation: false }
  });

  new Chart(document.getElementById("chart-types"), {
    type: "bar",
    data: {
      labels: data.by_type.map(function (r) { return r.label + " (" + r.currency + ")"; }),
      datasets: [{ label: "Amount", backgroundColor: palette[2], data: data.by_type.map(function (r) { return Number(r.amount); }) }]
    },
    options: { animation: false, indexAxis: "y" }
  });
}());
