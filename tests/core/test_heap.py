"""core.heap: a process that delivers events keeps what it loaded at start out of the garbage
collector's passes (a Celery worker's processes, a server running the deliverer thread)."""

import gc

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


def test_the_server_freezes_when_it_starts_the_deliverer(unfrozen, settings, monkeypatch):
    started = []
    monkeypatch.setattr(deliverer_module.deliverer, "start", lambda impl: started.append(impl))
    settings.EVENTS_IN_BACKGROUND = False
    deliverer_module.start_if_configured()
    assert gc.get_freeze_count() == 0 and not started
    settings.EVENTS_IN_BACKGROUND = True
    deliverer_module.start_if_configured()
    assert gc.get_freeze_count() > 0 and len(started) == 1
