"""core.background.run_or_queue: in the embedded mode the task body runs right here, without
Celery's eager tracing; with a broker the task is queued for a worker, not run."""

import pytest
from celery.signals import task_prerun

from core.background import run_or_queue
from itsm.celery import app

calls: list[tuple] = []


@app.task(name="tests.record_call")
def record_call(*args):
    calls.append(args)
    return len(calls)


@pytest.fixture
def mode():
    previous = app.conf.task_always_eager
    calls.clear()

    def set_eager(eager: bool) -> None:
        app.conf.task_always_eager = eager

    yield set_eager
    app.conf.task_always_eager = previous


def test_eager_runs_the_body_in_process_without_tracing(mode):
    mode(True)
    traced = []

    def on_prerun(**kwargs):
        traced.append(kwargs["task_id"])

    task_prerun.connect(on_prerun, weak=False)
    try:
        run_or_queue(record_call, "a", 1)
    finally:
        task_prerun.disconnect(on_prerun)
    assert calls == [("a", 1)]
    assert traced == []


def test_with_a_broker_the_task_is_queued_not_run(mode, monkeypatch):
    mode(False)
    queued = []
    monkeypatch.setattr(record_call, "delay", lambda *args: queued.append(args))
    run_or_queue(record_call, "b", 2)
    assert queued == [("b", 2)]
    assert calls == []
