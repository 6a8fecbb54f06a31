"""Cases of bench/http_driver.py that wrk cannot time: the agent's ticket list page, one view of
which is several requests in turn (helpdesk's shell, then its DataTable's data call), and a read
so slow that wrk answers none within --seconds (helpdesk's API lists every ticket's custom
fields before it pages). Both return the figures bench/http_cases.wrk does."""

import statistics
import time

import httpx

from bench.http_cases import Case, Target, read_path

# A helpdesk list at 50,000 tickets took 12-46 s a request here: a client timeout well above.
TIMEOUT = 600


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _figures(latencies: list[float], elapsed: float, failures: int) -> dict:
    ms = [value * 1000 for value in latencies] or [0.0]
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50": statistics.median(ms),
        "p95": percentile(ms, 0.95),
        "max": max(ms),
        "non2xx": failures,
        "errors": 0,
        "in_flight": 0,  # every request here was answered before the figures were taken
    }


def page_views(*, target: Target, seconds: float) -> dict:
    """One client, keep-alive, viewing the page for `seconds` (the last view completes): a view
    is every path of target.page_paths in turn, its latency the sum; any answer but a 200 is a
    failure (a redirect to the sign-in page included)."""
    latencies: list[float] = []
    failures = 0
    headers = target.page_headers
    with httpx.Client(base_url=target.base, headers=headers, timeout=TIMEOUT) as client:
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            view_started = time.perf_counter()
            for path in target.page_paths:
                response = client.get(path)
                failures += response.status_code != 200
            latencies.append(time.perf_counter() - view_started)
        elapsed = time.monotonic() - started
    return _figures(latencies, elapsed, failures)


def single(*, target: Target, case: Case) -> dict:
    """One request of a read case, timed alone: for a case whose every request takes longer
    than --seconds (wrk would give no figures at all)."""
    with httpx.Client(base_url=target.base, headers=target.headers, timeout=TIMEOUT) as client:
        started = time.perf_counter()
        response = client.get(read_path(target, case))
        elapsed = time.perf_counter() - started
    return _figures([elapsed], elapsed, int(response.status_code != 200))
