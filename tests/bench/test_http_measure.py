"""bench/http_measure.py's waits for a quiet machine: a case starts only once what ran before it
(another app's worker, PostgreSQL's own work) has finished, and its CPU is read only once what
it left in flight is done. Real processes, read from /proc as the benchmark reads them."""

import sys

import pytest

from bench.http_cases import Target
from bench.http_measure import Deployment, machine_cpu, wait_quiet
from bench.http_procs import Proc, tree_cpu

# Works for a number of CPU seconds, then stays alive and idle (its CPU stays readable).
BUSY = (
    "import time\nend = time.process_time() + {seconds}\n"
    "while time.process_time() < end: pass\ntime.sleep(60)"
)
# /proc counts CPU in whole clock ticks (10 ms) and utime and stime each round down, so a
# process that worked 0.4 s by its own clock may read 0.39 s there.
ROUNDING = 0.02


def _start(code: str, tmp_path, name: str) -> Proc:
    command = f"{sys.executable} -c '{code}'"
    return Proc(name=name, command=command, env={}, log_path=tmp_path / f"{name}.log").start()


@pytest.fixture
def procs(tmp_path):
    started: list[Proc] = []

    def start(code: str, name: str) -> Proc:
        started.append(_start(code, tmp_path, name))
        return started[-1]

    yield start
    for proc in started:
        proc.stop()


def test_the_wait_lasts_while_a_process_works_and_ends_when_it_stops(procs):
    busy = procs(BUSY.format(seconds=1.0), "busy")
    waited = wait_quiet(busy.cpu, limit=20, interval=0.2)
    # Its second of work was done when the wait ended.
    assert waited >= 0.8 and busy.cpu() >= 1.0 - ROUNDING


def test_the_wait_is_bounded_by_its_limit(procs):
    spinning = procs(BUSY.format(seconds=60), "spinning")
    waited = wait_quiet(spinning.cpu, limit=0.6, interval=0.2)
    assert 0.6 <= waited < 5 and spinning.alive()


def test_a_quiet_machine_is_not_waited_for(procs):
    idle = procs(BUSY.format(seconds=0), "idle")
    assert wait_quiet(idle.cpu, limit=20, interval=0.2) < 1


def test_the_machine_is_every_apps_processes_and_the_database_counted_once(procs):
    webs = [procs(BUSY.format(seconds=0.3), f"web{n}") for n in range(2)]
    worker = procs(BUSY.format(seconds=0.3), "worker")
    database = procs(BUSY.format(seconds=0.3), "postgres")
    for proc in (*webs, worker, database):
        wait_quiet(proc.cpu, limit=20, interval=0.2)
    target = Target(name="app", base="http://127.0.0.1:1", detail_ids=[])
    deployments = [
        Deployment(target=target, database_url="", web=webs[0], postmaster=database.pid),
        Deployment(
            target=target, database_url="", web=webs[1], postmaster=database.pid, worker=worker
        ),
    ]
    expected = sum(tree_cpu(proc.pid) for proc in (*webs, worker, database))
    assert expected >= 1.0
    assert machine_cpu(deployments) == pytest.approx(expected, abs=0.05)


def test_a_database_shared_by_two_apps_is_counted_once(procs):
    database = procs(BUSY.format(seconds=0.4), "postgres")
    web = procs(BUSY.format(seconds=0), "web")
    wait_quiet(database.cpu, limit=20, interval=0.2)
    target = Target(name="app", base="http://127.0.0.1:1", detail_ids=[])
    one = Deployment(target=target, database_url="", web=web, postmaster=database.pid)
    once = tree_cpu(web.pid) + tree_cpu(database.pid)
    assert once >= 0.4 - ROUNDING and machine_cpu([one, one]) == pytest.approx(once, abs=0.02)
