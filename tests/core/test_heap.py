"""core.heap: a process that delivers events keeps what it loaded at start out of the garbage
collector's passes (a Celery worker's processes, every server process)."""

import gc
import os
import subprocess
import sys

import pytest
from celery import signals

import itsm.celery  # noqa: F401 - connects the worker's signal handlers
from core import deliverer as deliverer_module


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.parametrize("signal", [signals.worker_process_init, signals.worker_ready])
def test_a_worker_freezes_what_it_loaded(unfrozen, signal):
    assert gc.get_freeze_count() == 0
    signal.send(sender=None)
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()  # what comes later is collected as before


def test_starting_the_deliverer_is_not_what_freezes(unfrozen, settings, monkeypatch):
    """The server's entry points freeze (below); the deliverer only starts."""
    started = []
    monkeypatch.setattr(deliverer_module.deliverer, "start", lambda impl: started.append(impl))
    settings.EVENTS_IN_BACKGROUND = True
    deliverer_module.start_if_configured()
    assert len(started) == 1 and gc.get_freeze_count() == 0


@pytest.mark.parametrize("entry", ["itsm.asgi", "itsm.wsgi"])
def test_a_server_process_freezes_whichever_configuration_it_serves(entry):
    """A server process of the scale-out configuration (a worker delivers: no deliverer
    here) froze nothing before, and paid full passes over its startup heap."""
    code = f"import gc, {entry}; print(gc.get_freeze_count())"
    env = {**os.environ, "EVENTS_IN_BACKGROUND": "false", "DJANGO_SETTINGS_MODULE": "itsm.settings"}
    answer = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert answer.returncode == 0, answer.stderr[-2000:]
    assert int(answer.stdout.split()[-1]) > 100_000
