/* The live dashboard: keeps tiles and charts current from /ws/dashboard/.
 *
 * The server sends {"type": "kpi.snapshot", "data": {...}} on connect and again shortly after
 * changes, and every event ({"type": "ticket.created", "ticket": {...}, "at": ...}) as it
 * happens. The connection state is always visible; a dropped socket reconnects with backoff.
 * Close codes 4401 (signed out) and 4403 (not allowed) are final: no reconnect.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var wsPath = script.getAttribute("data-ws-path") || "/ws/dashboard/";
  var stateEl = document.getElementById("ws-state");
  var feed = document.getElementById("event-feed");
  var snapshot = JSON.parse(document.getElementById("kpi-snapshot").textContent);
  var trend = JSON.parse(document.getElementById("kpi-trend").textContent);
  var labelsEl = document.getElementById("kpi-labels");
  var LABELS = labelsEl ? JSON.parse(labelsEl.textContent) : {};
  var charts = {};
  var FEED_LIMIT = 50;
  var STATUSES = ["new", "in_progress", "escalated", "waiting"];
  var PRIORITIES = ["critical", "high", "medium", "low"];

  // The human label of a raw value ("in_progress" -> "In progress"), from the page's labels.
  function label(kind, value) {
    var known = LABELS[kind] || {};
    return known[value] || value;
  }
  function labelled(kind, values) {
    return values.map(function (value) { return label(kind, value); });
  }

  function lookup(data, dotted) {
    return dotted.split(".").reduce(function (value, key) {
      return value === null || value === undefined ? undefined : value[key];
    }, data);
  }

  function shown(value, suffix) {
    if (value === null || value === undefined) return "–";
    return String(value) + (suffix || "");
  }

  function renderTiles(data) {
    document.querySelectorAll("[data-kpi]").forEach(function (el) {
      var value = lookup(data, el.getAttribute("data-kpi"));
      var text = shown(value, el.getAttribute("data-suffix"));
      if (el.getAttribute("data-suffix") && (value === null || value === undefined)) text = "";
      if (el.textContent.trim() !== text) {
        el.textContent = text;
        el.classList.add("changed");
        window.setTimeout(function () { el.classList.remove("changed"); }, 1200);
      }
    });
  }

  function makeCharts() {
    if (!window.Chart) return;
    var common = { animation: false, responsive: true, plugins: { legend: { display: false } } };
    charts.status = new window.Chart(document.getElementById("chart-status"), {
      type: "bar",
      data: { labels: labelled("status", STATUSES), datasets: [{ label: "Open", data: [], backgroundColor: "#2457c5" }] },
      options: common,
    });
    charts.priority = new window.Chart(document.getElementById("chart-priority"), {
      type: "doughnut",
      data: {
        labels: labelled("priority", PRIORITIES),
        datasets: [{ data: [], backgroundColor: ["#b42318", "#e07b00", "#2457c5", "#8a94a6"] }],
      },
      options: { animation: false, responsive: true },
    });
    charts.teams = new window.Chart(document.getElementById("chart-teams"), {
      type: "bar",
      data: {
        labels: [],
        datasets: [
          { label: "Open", data: [], backgroundColor: "#2457c5" },
          { label: "Capacity", data: [], backgroundColor: "#c8ced8" },
        ],
      },
      options: { animation: false, responsive: true },
    });
    charts.trend = new window.Chart(document.getElementById("chart-trend"), {
      type: "line",
      data: {
        labels: [],
        datasets: [
          { label: "Created", data: [], borderColor: "#2457c5", tension: 0.2 },
          { label: "Resolved", data: [], borderColor: "#146c2e", tension: 0.2 },
        ],
      },
      options: { animation: false, responsive: true },
    });
  }

  function updateTrend(data) {
    // The snapshot's "today" figures are the live end of the trend line.
    var today = data.generated_at.slice(0, 10);
    var series = trend.series;
    var last = series[series.length - 1];
    if (!last || last.date < today) {
      series.push({ date: today, created: 0, resolved: 0 });
      if (series.length > trend.days) series.shift();
      last = series[series.length - 1];
    }
    if (last.date === today) {
      last.created = data.today.created;
      last.resolved = data.today.resolved;
    }
  }

  function renderCharts(data) {
    if (!charts.status) return;
    charts.status.data.datasets[0].data = STATUSES.map(function (s) { return data.open.by_status[s] || 0; });
    charts.priority.data.datasets[0].data = PRIORITIES.map(function (p) { return data.open.by_priority[p] || 0; });
    charts.teams.data.labels = data.teams.map(function (t) { return t.name; });
    charts.teams.data.datasets[0].data = data.teams.map(function (t) { return t.open; });
    charts.teams.data.datasets[1].data = data.teams.map(function (t) { return t.capacity; });
    charts.trend.data.labels = trend.series.map(function (p) { return p.date.slice(5); });
    charts.trend.data.datasets[0].data = trend.series.map(function (p) { return p.created; });
    charts.trend.data.datasets[1].data = trend.series.map(function (p) { return p.resolved; });
    Object.keys(charts).forEach(function (name) { charts[name].update(); });
  }

  function apply(data) {
    snapshot = data;
    updateTrend(data);
    renderTiles(data);
    renderCharts(data);
  }

  function addEvent(event) {
    var item = document.createElement("li");
    item.setAttribute("data-event", event.type);
    var time = document.createElement("time");
    time.dateTime = event.at || "";
    time.textContent = event.at ? new Date(event.at).toLocaleTimeString() : "";
    var type = document.createElement("span");
    type.className = "type";
    type.textContent = label("event", event.type);
    var what = document.createElement("span");
    var ticket = event.ticket || {};
    var team = ticket.team ? ticket.team.name : "no team";
    var owner = ticket.owner ? ticket.owner.name : "unowned";
    what.textContent = [
      ticket.reference, label("status", ticket.status), label("priority", ticket.priority), team, owner,
    ].join(" · ");
    item.append(time, type, what);
    feed.prepend(item);
    while (feed.children.length > FEED_LIMIT) feed.lastElementChild.remove();
  }

  function setState(state, text) {
    stateEl.setAttribute("data-state", state);
    stateEl.textContent = text || state;
  }

  var attempt = 0;

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    var socket = new WebSocket(scheme + "//" + window.location.host + wsPath);
    setState(attempt ? "reconnecting" : "connecting");
    socket.onmessage = function (message) {
      var payload = JSON.parse(message.data);
      if (payload.type === "kpi.snapshot") {
        attempt = 0;
        setState("connected");
        apply(payload.data);
      } else if (payload.ticket) {
        addEvent(payload);
      }
    };
    socket.onclose = function (closed) {
      if (closed.code === 4401) return setState("refused", "signed out: reload to sign in");
      if (closed.code === 4403) return setState("refused", "not allowed");
      attempt += 1;
      setState("reconnecting");
      var delay = Math.min(15000, 1000 * Math.pow(2, Math.min(attempt - 1, 4)));
      window.setTimeout(connect, delay * (0.75 + Math.random() * 0.5));
    };
  }

  makeCharts();
  apply(snapshot);
  connect();
})();
