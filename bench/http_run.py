"""The run of bench/http_driver.py: seed the apps, then per configuration start the floor,
django-helpdesk (unless --no-helpdesk) and the project side by side and measure every case against
each (see bench/http_driver.py's docstring)."""

import argparse
import logging
import os
import sys
import time
from pathlib import Path

import httpx
import psycopg

from bench import http_cases, http_helpdesk, http_procs, http_report, http_seed
from bench.http_cases import Case, Target
from bench.http_measure import Deployment, Result, machine_cpu, measure, wait_quiet

# Named per run: two runs on one shared server must not drop each other's databases.
PROJECT_DB, FLOOR_DB = f"bench_http_{os.getpid()}_project", f"bench_http_{os.getpid()}_floor"
HELPDESK_DB = f"bench_http_{os.getpid()}_helpdesk"
SECRET = "benchmark-only-secret-key-not-for-any-real-deployment-000"
# name: (gunicorn workers per app, with Redis and the Celery worker)
CONFIGS = {"embedded": (1, False), "redis": (2, True)}


def run(*, args: argparse.Namespace, base_url: str, work: Path) -> None:
    (work / "static").mkdir()
    # Built (or found in the cache) before any database: without network and without a cached
    # venv the run stops here, and says so.
    venv = http_helpdesk.ensure_venv(args.helpdesk_venv) if args.helpdesk else None
    names = [PROJECT_DB, FLOOR_DB] + ([HELPDESK_DB] if venv else [])
    urls = [http_seed.recreate_database(base_url, name) for name in names]
    try:
        callers = _seed(args, urls[0], urls[1], work)
        if venv is not None:
            started = time.monotonic()
            callers += (
                http_helpdesk.seed(
                    venv=venv,
                    url=urls[2],
                    tickets=args.tickets,
                    open_tickets=args.open_tickets,
                    secret=os.environ.get("SECRET_KEY", SECRET),
                ),
            )
            print(f"helpdesk seeded in {time.monotonic() - started:.0f} s", flush=True)
            _settle(urls[2])
        postmaster = _postmaster(base_url)
        cases = http_cases.select(args.cases)
        rounds: dict[str, list[list[Result]]] = {}
        for round_ in range(args.rounds):
            for config in args.configs.split(","):
                workers = CONFIGS[config][0]
                print(
                    f"\n== {config}: {workers} gunicorn worker(s) per app"
                    f"{f', round {round_ + 1} of {args.rounds}' if args.rounds > 1 else ''}",
                    flush=True,
                )
                one = _configuration(
                    config=config,
                    logs=work / (config if args.rounds == 1 else f"{config}-{round_ + 1}"),
                    args=args,
                    urls=tuple(urls),
                    callers=callers,
                    postmaster=postmaster,
                    cases=cases,
                    work=work,
                    venv=venv,
                )
                rounds.setdefault(config, []).append(one)
        results = {config: http_report.median_runs(runs) for config, runs in rounds.items()}
        print(http_report.render(results=results, args=args, configs=CONFIGS))
        if args.rounds > 1:
            print("\n".join(["", "### Every round", "", *http_report.rounds_table(rounds)]))
    finally:
        if args.keep:
            print(f"kept the databases {', '.join(names)}")
        else:
            for name in names:
                http_seed.drop_database(base_url, name)


def _seed(args: argparse.Namespace, project_url: str, floor_url: str, work: Path) -> tuple:
    started = time.monotonic()
    http_seed.seed_floor(url=floor_url, tickets=args.tickets, open_tickets=args.open_tickets)
    print(f"floor seeded: {args.tickets:,} tickets in {time.monotonic() - started:.0f} s")
    os.environ |= {
        "DATABASE_URL": project_url,
        "DJANGO_SETTINGS_MODULE": "itsm.settings",
        "DEBUG": "false",
        # The servers' STATIC_ROOT (_env): the agent page needs collectstatic's manifest.
        "STATIC_ROOT": str(work / "static"),
    }
    os.environ.setdefault("SECRET_KEY", SECRET)
    os.environ.setdefault("ENV_FILE", "")  # a developer's .env (DEBUG=true) is not measured
    os.environ.pop("REDIS_URL", None)  # seeding runs with eager tasks, whatever the run uses
    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    from django.db import connection

    started = time.monotonic()
    http_seed.seed_project(tickets=args.tickets, open_tickets=args.open_tickets)
    callers = http_seed.project_callers()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"project seeded in {time.monotonic() - started:.0f} s", flush=True)
    if hasattr(connection, "close_pool"):
        connection.close_pool()
    connection.close()
    _settle(project_url, floor_url)
    return callers


def _settle(*urls: str) -> None:
    """Vacuumed, analysed and checkpointed after the bulk load, so that autovacuum and the
    checkpointer catch up here and not during the first measured cases (PostgreSQL's CPU is
    read for the whole cluster)."""
    for url in urls:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
            conn.execute("CHECKPOINT")


def _postmaster(base_url: str) -> int:
    """PostgreSQL's postmaster: its process tree is the cluster, backends that ended included."""
    with psycopg.connect(base_url) as conn:
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        others = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
            "AND pid <> pg_backend_pid()"
        ).fetchone()[0]
        postmaster = http_procs.parent_pid(backend)  # while the backend lives
    if others:
        print(f"note: {others} other client(s) on this PostgreSQL; its CPU counts theirs too")
    return postmaster


def _env(url: str, settings: str, work: Path) -> dict:
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}",
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": settings,
        "SECRET_KEY": os.environ.get("SECRET_KEY", SECRET),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        # Nothing throttled: the benchmark is one caller sending as fast as it is answered.
        "API_RATE_USER": "100000000/min",
        "API_RATE_TOKEN": "100000/min",
        "JWT_ACCESS_MINUTES": "240",
        # No static files are served here; an empty folder spares whitenoise's warning.
        "STATIC_ROOT": str(work / "static"),
    }
    env.pop("REDIS_URL", None)
    return env


def _ready(url: str, proc: http_procs.Proc, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not proc.alive():
            raise SystemExit(f"{proc.name} exited: see {proc.log_path}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{proc.name} did not answer {url} within {seconds:.0f} s")


def _jwt(base: str, username: str) -> str:
    response = httpx.post(
        f"{base}/api/auth/token/",
        json={"username": username, "password": http_seed.PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access"]


def _start(
    *,
    config: str,
    logs: Path,
    urls: tuple[str, ...],
    callers: tuple,
    postmaster: int,
    work: Path,
    redis_url: str,
    procs: list[http_procs.Proc],
    venv: Path | None,
) -> list[Deployment]:
    """The apps (and Redis and the Celery worker when the configuration has them), ready;
    every process started is added to `procs` as it starts, for the caller to stop."""
    project_url, floor_url = urls[:2]
    workers, with_redis = CONFIGS[config]
    logs.mkdir()
    redis = None
    project_env = _env(project_url, "itsm.settings", work)
    if with_redis:
        if not redis_url:
            redis, redis_url = http_procs.redis_server(logs)
            procs.append(redis)
        prefix = f"bench-http-{os.getpid()}"
        project_env |= {
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": prefix,
            "CHANNEL_LAYER_PREFIX": prefix,
        }
    floor_web, floor_base = http_procs.web(
        name="floor",
        app=http_procs.FLOOR_APP,
        env=_env(floor_url, "bench.floor.settings", work),
        workers=workers,
        logs=logs,
    )
    procs.append(floor_web)
    project_web, project_base = http_procs.web(
        name="project", app=http_procs.PROJECT_APP, env=project_env, workers=workers, logs=logs
    )
    procs.append(project_web)
    worker = http_procs.worker(env=project_env, logs=logs) if with_redis else None
    if worker is not None:
        procs.append(worker)
    _ready(f"{floor_base}/api/v1/tickets/", floor_web)
    _ready(f"{project_base}/health", project_web)
    username, key, session = callers[:3]
    floor = Target(
        name="floor",
        base=floor_base,
        detail_ids=http_seed.sample_ids(floor_url, "floor_tickets_ticket", 200),
        kind="floor",
    )
    project = Target(
        name="project",
        base=project_base,
        detail_ids=http_seed.sample_ids(project_url, "tickets_ticket", 200),
        headers={"Authorization": f"Bearer {_jwt(project_base, username)}"},
        webhook_headers={"Authorization": f"Api-Key {key}", "X-Source-ID": "generic"},
        page_paths=["/tickets/"],
        page_headers={"Cookie": f"sessionid={session}"},
    )
    helpdesk = []
    if venv is not None:
        helpdesk = [
            _start_helpdesk(
                venv=venv,
                url=urls[2],
                callers=callers[3],
                env=_env(urls[2], http_helpdesk.SETTINGS, work),
                workers=workers,
                logs=logs,
                postmaster=postmaster,
                procs=procs,
            )
        ]
    return [
        Deployment(target=floor, database_url=floor_url, web=floor_web, postmaster=postmaster),
        *helpdesk,
        Deployment(
            target=project,
            database_url=project_url,
            web=project_web,
            postmaster=postmaster,
            worker=worker,
            redis=redis,
            routes=True,
        ),
    ]


def _start_helpdesk(
    *,
    venv: Path,
    url: str,
    callers: http_helpdesk.Callers,
    env: dict,
    workers: int,
    logs: Path,
    postmaster: int,
    procs: list[http_procs.Proc],
) -> Deployment:
    """django-helpdesk under the same Procfile web line, from its own venv."""
    web, base = http_procs.web(
        name="helpdesk",
        app=http_helpdesk.APP,
        env=http_helpdesk.env(venv, env),
        workers=workers,
        logs=logs,
    )
    procs.append(web)
    _ready(f"{base}/login/", web)
    cookie = {"Cookie": f"sessionid={callers.session}"}
    target = Target(
        name="helpdesk",
        base=base,
        detail_ids=http_seed.sample_ids(url, "helpdesk_ticket", 200),
        kind="helpdesk",
        api="/api/tickets/",
        status_filter="status=1",  # Open: helpdesk's one status for new and in-progress work
        headers={"Authorization": f"Token {callers.token}"},
        queues=callers.queues,
        page_paths=http_helpdesk.page_paths(base, callers.session),
        page_headers=cookie,
    )
    return Deployment(target=target, database_url=url, web=web, postmaster=postmaster)


def _configuration(
    *,
    config: str,
    logs: Path,
    args: argparse.Namespace,
    urls: tuple[str, ...],
    callers: tuple,
    postmaster: int,
    cases: list[Case],
    work: Path,
    venv: Path | None,
) -> list[Result]:
    _settle(*urls)  # what the previous configuration's creates left to autovacuum, done now
    stamp = time.strftime("%H%M%S")
    results: list[Result] = []
    procs: list[http_procs.Proc] = []
    try:
        deployments = _start(
            config=config,
            logs=logs,
            urls=urls,
            callers=callers,
            postmaster=postmaster,
            work=work,
            redis_url=args.redis_url,
            procs=procs,
            venv=venv,
        )
        # A read whose warm-up wrk saw no answer to (helpdesk's lists at scale) is measured as
        # one request timed alone: wrk would have no figures for it.
        alone: set[tuple[str, str]] = set()
        for case in cases:  # warm-up: every case once, discarded
            for deployment in deployments:
                if not deployment.target.supports(case):
                    continue
                run = f"warm-{stamp}-{config}-{case.key}-{deployment.target.name}"
                warm = measure(
                    deployment=deployment,
                    case=case,
                    run=run,
                    seconds=args.warmup,
                    work=work,
                    drain_limit=args.drain,
                )
                if not warm.requests and not case.creates:
                    alone.add((case.key, deployment.target.name))
        for index, case in enumerate(cases):
            # Rotate who goes first, so that drift on a shared machine falls on every app.
            shift = index % len(deployments)
            for deployment in deployments[shift:] + deployments[:shift]:
                name = deployment.target.name
                if not deployment.target.supports(case):
                    continue
                run = f"run-{stamp}-{config}-{case.key}-{name}"
                # Nothing of the case before (another app's worker, PostgreSQL's autovacuum of
                # its rows) runs into this one's.
                waited = wait_quiet(lambda: machine_cpu(deployments))
                if waited > 1:
                    print(f"  (waited {waited:.1f} s for the machine to go quiet)", flush=True)
                result = measure(
                    deployment=deployment,
                    case=case,
                    run=run,
                    seconds=args.seconds,
                    work=work,
                    drain_limit=args.drain,
                    alone=(case.key, name) in alone,
                )
                results.append(result)
                print(http_report.line(config, result), flush=True)
    finally:
        for proc in reversed(procs):
            proc.stop()
    return results
