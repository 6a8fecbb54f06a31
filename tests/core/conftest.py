"""Fixtures of the event bus's tests (core.waves, core.tasks)."""

import pytest

from core import subscriptions
from core.audit import record_audit
from core.events import publish
from core.models import AuditLog
from core.subscriptions import subscribe


@pytest.fixture
def heard(monkeypatch):
    """A batch subscriber that writes one audit row per event (rolled back with a failed
    batch) and records each call's events, and a one-by-one subscriber that can fail."""
    monkeypatch.setattr(subscriptions, "_subscribers", {})

    class Heard:
        calls: list = []
        single: list = []
        fail_on: set = set()
        echo = False

        @staticmethod
        def written() -> list:
            rows = AuditLog.objects.filter(action="test.heard").order_by("pk")
            return [(row.data["stream"], row.data["n"]) for row in rows]

    @subscribe("test.ping", "test.echo", name="test.batch", batch=True)
    def batch(events):
        Heard.calls.append([(event.stream, event.data["n"]) for event in events])
        for event in events:
            record_audit(
                actor=None, action="test.heard", data={"stream": event.stream, "n": event.data["n"]}
            )
            if Heard.echo and event.name == "test.ping":  # answered in a later wave
                publish("test.echo", stream=event.stream, data={"n": event.data["n"] + 100})

    @subscribe("test.ping", name="test.single")
    def single(event):
        if (event.stream, event.data["n"]) in Heard.fail_on:
            raise RuntimeError("single is down")
        Heard.single.append((event.stream, event.data["n"]))

    Heard.calls, Heard.single, Heard.fail_on = [], [], set()
    return Heard
