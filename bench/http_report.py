"""The Markdown tables bench/http_driver.py prints: per configuration, each case against the floor
and the project with the ratios; then the project's commit-to-routed figures."""

import argparse
import platform
import time

from bench.http_measure import Result

CPU_PARTS = (("web", "web"), ("worker", "worker"), ("postgres", "PG"), ("redis", "Redis"))


def cpu_cell(result: Result) -> str:
    parts = [
        f"{short} {result.cpu_ms[name]:.1f}" for name, short in CPU_PARTS if name in result.cpu_ms
    ]
    return f"{result.cpu_total:.1f} ({', '.join(parts)})"


def latency(result: Result) -> str:
    """p50 / p95, or why there are none: wrk only times the answers it got within --seconds."""
    if not result.requests:
        return "none answered in the run"
    return f"{result.p50:.1f} / {result.p95:.1f}"


def line(config: str, result: Result) -> str:
    created = "" if result.created is None else f", {result.created} created"
    routing = ""
    if result.routing and "p50_ms" in result.routing:
        r = result.routing
        routing = (
            f", routed {r['routed']}/{r['tickets']} p50 {r['p50_ms']:.0f} ms "
            f"p95 {r['p95_ms']:.0f} ms, {r['routed_per_s']:.1f}/s, waited {r['waited_s']:.1f} s"
        )
    return (
        f"  {config:<8} {result.case.key:<11} {result.app:<7} {result.rps:8.1f} req/s "
        f"p50 / p95 ms {latency(result)} failed {result.failures} "
        f"CPU ms/req {cpu_cell(result)} PG sessions/req {result.sessions_per_request:.2f}"
        f"{created}{routing}"
    )


def _ratio(project: float, floor: float) -> str:
    return f"{project / floor:.2f}" if floor and project else "-"


def _case_table(results: list[Result]) -> list[str]:
    rows = [
        "| case | clients | floor req/s | project req/s | project/floor req/s "
        "| floor p50 / p95 ms | project p50 / p95 ms | project/floor p50 "
        "| floor CPU ms/req | project CPU ms/req | project/floor CPU | failed floor / project |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|",
    ]
    by_case: dict[str, dict[str, Result]] = {}
    for result in results:
        by_case.setdefault(result.case.key, {})[result.app] = result
    for pair in by_case.values():
        floor, project = pair.get("floor"), pair.get("project")
        if floor is None or project is None:
            continue
        rows.append(
            f"| {project.case.label} | {project.case.clients} | {floor.rps:.1f} "
            f"| {project.rps:.1f} | {_ratio(project.rps, floor.rps)} "
            f"| {latency(floor)} | {latency(project)} "
            f"| {_ratio(project.p50, floor.p50)} | {cpu_cell(floor)} | {cpu_cell(project)} "
            f"| {_ratio(project.cpu_total, floor.cpu_total)} "
            f"| {floor.failures} / {project.failures} |"
        )
    return rows


def _routing_table(results: dict[str, list[Result]]) -> list[str]:
    rows = [
        "| configuration | case | clients | tickets created | routed "
        "| commit-to-routed p50 / p95 ms | routed/s | waited after the run s "
        "| PostgreSQL sessions opened per ticket |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for config, config_results in results.items():
        for result in config_results:
            routing = result.routing
            if result.app != "project" or not routing:
                continue
            delays = (
                f"{routing['p50_ms']:.0f} / {routing['p95_ms']:.0f}" if "p50_ms" in routing else "-"
            )
            rate = f"{routing['routed_per_s']:.1f}" if "routed_per_s" in routing else "-"
            rows.append(
                f"| {config} | {result.case.label} | {result.case.clients} "
                f"| {routing['tickets']} | {routing['routed']} | {delays} | {rate} "
                f"| {routing['waited_s']:.1f} | {result.sessions_per_request:.2f} |"
            )
    return rows


def render(*, results: dict[str, list[Result]], args: argparse.Namespace, configs: dict) -> str:
    out = [
        "",
        f"Run on {time.strftime('%Y-%m-%d %H:%M %Z')}, {platform.node()}, "
        f"Python {platform.python_version()}; {args.tickets:,} tickets "
        f"({args.open_tickets:,} open) in each app (project: bench/seed_scale.py); "
        f"wrk -t1, {args.seconds} s per case, keep-alive.",
    ]
    for config, config_results in results.items():
        workers, with_redis = configs[config]
        extra = " and the Procfile's Celery worker, REDIS_URL set" if with_redis else ", no Redis"
        loads = [result.load for result in config_results] or [0.0]
        out += [
            "",
            f"### {config}: {workers} gunicorn worker(s) per app{extra}",
            "",
            f"Load average (1 min) after each case: {min(loads):.1f}-{max(loads):.1f}.",
            "",
        ]
        out += _case_table(config_results)
    out += ["", "### The project's routing after its creates", ""]
    out += _routing_table(results)
    return "\n".join(out)
