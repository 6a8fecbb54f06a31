"""The HTTP cases of bench/http_driver.py and how wrk runs them: one Lua script per case and app,
every POST body distinct (a counter), the report written by wrk's done() as one JSON line. The
agent page is a sequence of requests per view (helpdesk's shell and data call), so it is run by
bench/http_pages.py instead."""

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

CATEGORIES = ["network", "hardware", "software", "access", "email"]


@dataclass(frozen=True)
class Case:
    key: str
    label: str
    clients: int
    creates: bool = False
    page: bool = False  # the agent's ticket list page (bench/http_pages.py, not wrk)
    pace: int = 0  # creates a second the connections send together (0: as fast as answered)


# Reads first, so that they see exactly the seeded tickets; then the creates.
CASES = [
    Case("list", "ticket list, page 1", 1),
    Case("list-status", "ticket list, status=new", 1),
    Case("detail", "ticket detail", 1),
    Case("page", "agent ticket list page", 1, page=True),
    Case("create-1", "create ticket (API)", 1, creates=True),
    Case("create-4", "create ticket (API)", 4, creates=True),
    Case("webhook-1", "webhook delivery (floor, helpdesk: API create)", 1, creates=True),
    Case("webhook-4", "webhook delivery (floor, helpdesk: API create)", 4, creates=True),
]

# A paced case's connections: enough that a pace is kept while answers take tens of
# milliseconds, so that what is measured is whether the app keeps up, not the client.
PACED_CLIENTS = 16
_PACED = {
    "create": "create ticket (API)",
    "webhook": "webhook delivery (floor, helpdesk: API create)",
}


def select(keys: str) -> list[Case]:
    """The cases ``--cases`` names (every fixed case when it names none), fixed ones first in
    their order. Besides the fixed keys, ``create-rN`` and ``webhook-rN`` send creates at N a
    second whatever the pace of the answers (open loop, up to PACED_CLIENTS in flight): the
    rate each configuration sustains while it keeps API.md's second from commit to routed is
    the fair comparison between them, where the fixed cases reward falling behind."""
    names = [key for key in keys.split(",") if key]
    fixed = [case for case in CASES if not names or case.key in names]
    paced = []
    for key in names:
        kind, _, rate = key.rpartition("-r")
        if any(case.key == key for case in CASES):
            continue
        if kind not in _PACED or not rate.isdigit() or int(rate) <= 0:
            raise SystemExit(
                f"unknown case {key!r} (fixed: {', '.join(c.key for c in CASES)};"
                " paced: create-rN, webhook-rN)"
            )
        label = f"{_PACED[kind]}, paced at {int(rate)}/s"
        paced.append(Case(key, label, PACED_CLIENTS, creates=True, pace=int(rate)))
    return fixed + paced


# wrk's connections share one Lua state per thread (``-t1``): each asks ``delay`` before its
# next request, and the next request is due one interval after the last one due, so the
# requests go out at the pace while a connection is free. LuaJIT's FFI reads the monotonic
# clock (Lua's own clocks count seconds or CPU time).
PACING = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *into);
]]
local clock = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end
local interval = %s
local due = nil
delay = function()
  local now = now_ms()
  due = due or now
  local wait = due - now
  due = due + interval
  if wait < 0 then return 0 end
  return wait
end
"""


@dataclass
class Target:
    """One app under test: where it listens and how each case is asked of it. `kind` is
    floor, project or helpdesk; the floor and helpdesk have no webhook (their API create answers
    those cases) and the floor no agent page."""

    name: str
    base: str
    detail_ids: list[str]
    kind: str = "project"
    api: str = "/api/v1/tickets/"
    status_filter: str = "status=new"
    headers: dict[str, str] = field(default_factory=dict)
    webhook_headers: dict[str, str] = field(default_factory=dict)
    queues: list[int] = field(default_factory=list)  # helpdesk: a create names its queue
    page_paths: list[str] = field(default_factory=list)  # one page view, in order
    page_headers: dict[str, str] = field(default_factory=dict)

    def supports(self, case: Case) -> bool:
        return bool(self.page_paths) if case.page else True


def _create_body(target: Target, case: Case, run: str) -> tuple[str, str, dict]:
    """Path, JSON body template and headers of a create. Placeholders, filled by the Lua
    script per request: @N@ a counter, @M@ one of 500 requesters, @C@ a category, @Q@ a
    helpdesk queue (one per category)."""
    description = "Benchmark ticket: the problem as the requester wrote it. " * 4
    if target.kind == "helpdesk":
        body = {
            "queue": "@Q@",
            "title": f"{run} @C@ problem @N@",
            "description": description,
            "priority": 2,  # High, as the other apps' "high"
            "submitter_email": "requester@M@@example.com",
        }
        return target.api, json.dumps(body), target.headers
    if target.kind == "floor":
        body = {
            "title": f"{run} ticket @N@",
            "description": description,
            "priority": "high",
            "requester_email": "requester@M@@example.com",
        }
        return "/api/v1/tickets/", json.dumps(body), {}
    requester = {"email": "requester@M@@bench.example", "name": "Requester @M@"}
    if case.key.startswith("webhook"):
        body = {
            "ticket_id": f"{run}-@N@",
            "title": f"{run} @C@ problem @N@",
            "description": description,
            "category": "@C@",
            "urgency": "2",
            "impact": "2",
            "requester": requester,
            "requester_location": {"lat": 40.7, "lng": -74.0, "timezone": "America/New_York"},
        }
        return "/api/v1/webhooks/ticket", json.dumps(body), target.webhook_headers
    body = {
        "title": f"{run} @C@ problem @N@",
        "description": description,
        "category": "@C@",
        "priority": "high",
        "requester": requester,
    }
    return "/api/v1/tickets/", json.dumps(body), target.headers


REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal here


def lua_script(target: Target, case: Case, run: str) -> tuple[str, dict]:
    """The wrk script of one case against one app, and the headers to send."""
    if case.creates:
        path, body, headers = _create_body(target, case, run)
        categories = "{" + ", ".join(_lua_string(c) for c in CATEGORIES) + "}"
        queues = "{" + ", ".join(_lua_string(str(q)) for q in target.queues or [0]) + "}"
        script = f"""
local counter = 0
local categories = {categories}
local queues = {queues}
local template = {_lua_string(body)}
request = function()
  counter = counter + 1
  local body = template:gsub("@N@", tostring(counter))
  body = body:gsub("@M@", tostring(counter % 500))
  body = body:gsub("@C@", categories[1 + counter % #categories])
  body = body:gsub("@Q@", queues[1 + counter % #queues])
  return wrk.format("POST", {_lua_string(path)}, nil, body)
end
"""
        if case.pace:
            script += PACING % f"{1000 / case.pace:.4f}"
        return script + REPORT, {**headers, "Content-Type": "application/json"}
    if case.key == "detail":
        paths = [f"{target.api}{ticket_id}/" for ticket_id in target.detail_ids]
        script = f"""
local paths = {{{", ".join(_lua_string(p) for p in paths)}}}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[1 + counter % #paths])
end
"""
        return script + REPORT, dict(target.headers)
    script = f"""
request = function()
  return wrk.format("GET", {_lua_string(read_path(target, case))})
end
"""
    return script + REPORT, dict(target.headers)


def read_path(target: Target, case: Case) -> str:
    """The path of a read case (the detail case's first ticket)."""
    if case.key == "detail":
        return f"{target.api}{target.detail_ids[0]}/"
    return target.api + (f"?{target.status_filter}" if case.key == "list-status" else "")


def wrk(*, target: Target, case: Case, run: str, seconds: int, work: Path) -> dict:
    """One wrk run (one thread, `case.clients` keep-alive connections); the figures it gives."""
    script, headers = lua_script(target, case, run)
    lua = work / f"{run}.lua"
    lua.write_text(script)
    command = [shutil.which("wrk") or "wrk", "-t1", f"-c{case.clients}", f"-d{seconds}s"]
    command += ["--timeout", "30s", "-s", str(lua)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run(  # noqa: S603 - wrk, our arguments
        [*command, target.base], capture_output=True, text=True, timeout=seconds + 90, check=True
    )
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("{")), None)
    if line is None:
        raise SystemExit(f"wrk gave no report for {run}: {result.stdout} {result.stderr}")
    report = json.loads(line)
    return {
        "requests": report["requests"],
        "seconds": report["duration_us"] / 1e6,
        "rps": report["requests"] / (report["duration_us"] / 1e6),
        "p50": report["p50_us"] / 1000,
        "p95": report["p95_us"] / 1000,
        "max": report["max_us"] / 1000,
        "non2xx": report["status"],
        "errors": sum(report[k] for k in ("connect", "read", "write", "timeout")),
        # wrk stops with one request in flight per connection, which the server still serves
        "in_flight": case.clients,
    }
