"""The Markdown tables bench/http_driver.py prints: per configuration, each case against the floor,
django-helpdesk (when it ran) and the project with the ratios; the creates against helpdesk's
(issue 18: at least 2x); then the project's commit-to-routed figures."""

import argparse
import platform
import time

from bench.http_measure import Result

CPU_PARTS = (
    ("web", "web"),
    ("delivery", "delivery"),
    ("worker", "worker"),
    ("postgres", "PG"),
    ("redis", "Redis"),
)


def cpu_cell(result: Result) -> str:
    parts = [
        f"{short} {result.cpu_ms[name]:.1f}" for name, short in CPU_PARTS if name in result.cpu_ms
    ]
    return f"{result.cpu_total:.1f} ({', '.join(parts)})"


def latency(result: Result | None) -> str:
    """p50 / p95, or why there are none: wrk only times the answers it got within --seconds."""
    if result is None:
        return "-"
    if not result.requests:
        return "none answered in the run"
    if result.alone:
        return f"{result.p50:.0f} (one request)"
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
        f"  {config:<8} {result.case.key:<11} {result.app:<8} {result.rps:8.1f} req/s "
        f"p50 / p95 ms {latency(result)} failed {result.failures} "
        f"CPU ms/req {cpu_cell(result)} PG sessions/req {result.sessions_per_request:.2f}"
        f"{created}{routing}"
    )


def ratio(numerator: float | None, denominator: float | None) -> str:
    """numerator / denominator to two places, or "-" when either is missing or zero."""
    return f"{numerator / denominator:.2f}" if numerator and denominator else "-"


def _rps(result: Result | None) -> float | None:
    return None if result is None else result.rps


def _cpu(result: Result | None) -> str:
    return "-" if result is None else cpu_cell(result)


def _by_case(results: list[Result]) -> dict[str, dict[str, Result]]:
    by_case: dict[str, dict[str, Result]] = {}
    for result in results:
        by_case.setdefault(result.case.key, {})[result.app] = result
    return by_case


def case_table(results: list[Result]) -> list[str]:
    """Each case against the floor, helpdesk (when it ran) and the project, with the ratios."""
    helpdesk_ran = any(result.app == "helpdesk" for result in results)
    apps = ["floor", "helpdesk", "project"] if helpdesk_ran else ["floor", "project"]
    head = ["case", "clients", *(f"{app} req/s" for app in apps), "project/floor req/s"]
    head += ["project/helpdesk req/s"] if helpdesk_ran else []
    head += [f"{app} p50 / p95 ms" for app in apps] + ["project/floor p50"]
    head += [f"{app} CPU ms/req" for app in apps] + ["project/floor CPU"]
    head += ["project/helpdesk CPU"] if helpdesk_ran else []
    head += ["failed " + " / ".join(apps)]
    rows = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for pair in _by_case(results).values():
        project = pair.get("project")
        if project is None:
            continue
        floor, helpdesk = pair.get("floor"), pair.get("helpdesk")
        got = [pair.get(app) for app in apps]
        cells = [project.case.label, str(project.case.clients)]
        cells += [f"{r.rps:.1f}" if r else "-" for r in got]
        cells += [ratio(project.rps, _rps(floor))]
        cells += [ratio(project.rps, _rps(helpdesk))] if helpdesk_ran else []
        cells += [latency(r) for r in got]
        cells += [ratio(project.p50, floor.p50 if floor else None)]
        cells += [_cpu(r) for r in got]
        cells += [ratio(project.cpu_total, floor.cpu_total if floor else None)]
        if helpdesk_ran:
            cells += [ratio(project.cpu_total, helpdesk.cpu_total if helpdesk else None)]
        cells += [" / ".join(str(r.failures) if r else "-" for r in got)]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def helpdesk_table(results: dict[str, list[Result]]) -> list[str]:
    """Issue 18's create target against django-helpdesk: at least 2x its create rate, the same
    run; the project's webhook is set against helpdesk's API create (it has no webhook)."""
    rows = [
        "| configuration | case | clients | project req/s | helpdesk req/s "
        "| project/helpdesk | at least 2x |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for config, config_results in results.items():
        for pair in _by_case(config_results).values():
            project, helpdesk = pair.get("project"), pair.get("helpdesk")
            if project is None or helpdesk is None or not project.case.creates:
                continue
            met = "met" if helpdesk.rps and project.rps >= 2 * helpdesk.rps else "missed"
            rows.append(
                f"| {config} | {project.case.label} | {project.case.clients} "
                f"| {project.rps:.1f} | {helpdesk.rps:.1f} "
                f"| {ratio(project.rps, helpdesk.rps)} | {met} |"
            )
    return rows if len(rows) > 2 else []


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


def median_runs(runs: list[list[Result]]) -> list[Result]:
    """Of several rounds' results, each case and app's run with the median rate (the lower of
    the middle two for an even count), in the first round's order."""
    by_key: dict[tuple[str, str], list[Result]] = {}
    for results in runs:
        for result in results:
            by_key.setdefault((result.case.key, result.app), []).append(result)
    chosen = []
    for same in by_key.values():
        ordered = sorted(same, key=lambda result: result.rps)
        chosen.append(ordered[(len(ordered) - 1) // 2])
    return chosen


def rounds_table(rounds: dict[str, list[list[Result]]]) -> list[str]:
    """Each configuration, case and app's rate in every round, and the project's against the
    floor's of the same round."""
    out = [
        "| configuration | case | clients | app | req/s in each round | project/floor each round |",
        "|---|---|---:|---|---|---|",
    ]
    for config, runs in rounds.items():
        keys = list(dict.fromkeys((r.case.key, r.app) for results in runs for r in results))
        for key, app in keys:
            found = [
                next((r for r in results if (r.case.key, r.app) == (key, app)), None)
                for results in runs
            ]
            floors = [
                next((r for r in results if r.case.key == key and r.app == "floor"), None)
                for results in runs
            ]
            rates = " / ".join(f"{r.rps:.1f}" if r else "-" for r in found)
            ratios = (
                " / ".join(
                    f"{r.rps / f.rps:.2f}" if r and f and f.rps else "-"
                    for r, f in zip(found, floors, strict=True)
                )
                if app != "floor"
                else ""
            )
            case = found[0].case if found[0] else None
            label = case.label if case else key
            clients = case.clients if case else ""
            out.append(f"| {config} | {label} | {clients} | {app} | {rates} | {ratios} |")
    return out


def render(*, results: dict[str, list[Result]], args: argparse.Namespace, configs: dict) -> str:
    seeders = "project: bench/seed_scale.py"
    seeders += "; helpdesk: bench/helpdesk/seed.py" if args.helpdesk else ""
    out = [
        "",
        f"Run on {time.strftime('%Y-%m-%d %H:%M %Z')}, {platform.node()}, "
        f"Python {platform.python_version()}; {args.tickets:,} tickets "
        f"({args.open_tickets:,} open) in each app ({seeders}); "
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
        out += case_table(config_results)
    if against_helpdesk := helpdesk_table(results):
        out += ["", "### Creates against django-helpdesk (target: at least 2x)", ""]
        out += against_helpdesk
    out += ["", "### The project's routing after its creates", ""]
    out += _routing_table(results)
    return "\n".join(out)
