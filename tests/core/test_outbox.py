"""The event bus (core.events, core.dispatch): an event is a row written with the change it
describes, delivered after the commit to every subscriber, in order per stream, once per
subscriber, with a failing subscriber retried apart from the others."""

import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from core import dispatch, subscriptions, tasks, waves
from core.audit import record_audit
from core.events import publish
from core.models import AuditLog, EventReceipt, OutboxEvent
from core.subscriptions import subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch):
    """Two test subscribers of ``test.ping`` in a registry of their own: the first writes an
    audit row (so what it did is rolled back with a failed delivery, as any subscriber's
    database work is), the second records in memory; ``heard.fail`` makes the second raise."""
    monkeypatch.setattr(subscriptions, "_subscribers", {})

    class Heard:
        second: list = []
        fail = False

        @property
        def first(self) -> list:
            rows = AuditLog.objects.filter(action="test.heard").order_by("pk")
            return [(row.data["stream"], row.data["n"]) for row in rows]

    @subscribe("test.ping", name="test.first")
    def first(event):
        record_audit(
            actor=None, action="test.heard", data={"stream": event.stream, "n": event.data["n"]}
        )

    @subscribe("test.ping", name="test.second")
    def second(event):
        heard_state = Heard
        if heard_state.fail:
            raise RuntimeError("second is down")
        Heard.second.append((event.stream, event.data["n"]))

    Heard.second = []
    return Heard()


def ping(n: int, stream: str = "ticket:1") -> None:
    with transaction.atomic():
        publish("test.ping", stream=stream, data={"n": n})


def test_events_reach_every_subscriber_in_order_after_the_commit(heard):
    ping(1)
    ping(2)
    with transaction.atomic():  # one transaction, two events: both, in order
        publish("test.ping", stream="ticket:1", data={"n": 3})
        publish("test.ping", stream="ticket:1", data={"n": 4})
        assert heard.first == [("ticket:1", 1), ("ticket:1", 2)]  # nothing before the commit

    assert heard.first == heard.second == [("ticket:1", n) for n in (1, 2, 3, 4)]
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()
    assert not EventReceipt.objects.exists()  # all went through: no receipts kept


def test_an_event_of_a_rolled_back_change_does_not_exist(heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("test.ping", stream="ticket:1", data={"n": 1})
        raise RuntimeError("roll back")
    assert not OutboxEvent.objects.exists()
    assert heard.first == []


def test_a_second_drain_delivers_nothing_twice(heard):
    ping(1)
    assert dispatch.drain("ticket:1") == 0
    assert waves.drain_due(stale_after=timedelta(0)) == 0
    assert heard.first == [("ticket:1", 1)]


def test_a_failing_subscriber_is_retried_alone_and_keeps_its_order(heard, caplog):
    type(heard).fail = True
    ping(1)
    ping(2)
    # The first subscriber heard both; the second failed on 1 and waits with 2 behind it.
    assert heard.first == [("ticket:1", 1), ("ticket:1", 2)]
    assert heard.second == []
    one, two = OutboxEvent.objects.order_by("id")
    assert one.dispatched_at is None and two.dispatched_at is None
    retry = EventReceipt.objects.get(event=one, subscriber="test.second")
    assert (retry.status, retry.attempts) == ("retry", 1)
    assert "second is down" in retry.last_error
    assert not EventReceipt.objects.filter(event=two, subscriber="test.second").exists()

    type(heard).fail = False
    assert dispatch.drain("ticket:1") == 0  # not due yet: the backoff holds it
    EventReceipt.objects.filter(pk=retry.pk).update(next_attempt_at=timezone.now())
    assert waves.drain_due() == 2

    assert heard.second == [("ticket:1", 1), ("ticket:1", 2)]  # in order, once each
    assert heard.first == [("ticket:1", 1), ("ticket:1", 2)]  # never again
    assert OutboxEvent.objects.filter(dispatched_at__isnull=True).count() == 0


def test_another_stream_is_not_held_up_by_a_failure(heard):
    type(heard).fail = True
    ping(1, stream="ticket:1")
    type(heard).fail = False
    ping(2, stream="ticket:2")
    assert heard.second == [("ticket:2", 2)]


def test_a_subscriber_that_keeps_failing_is_given_up_and_logged(heard, caplog, monkeypatch):
    monkeypatch.setattr(dispatch, "MAX_ATTEMPTS", 2)
    type(heard).fail = True
    ping(1)
    EventReceipt.objects.update(next_attempt_at=timezone.now())
    with caplog.at_level(logging.ERROR, logger="core.dispatch"):
        waves.drain_due()
    dead = EventReceipt.objects.get(subscriber="test.second")
    assert (dead.status, dead.attempts) == ("dead", 2)
    assert "Gave up delivering event" in caplog.text
    assert OutboxEvent.objects.get().dispatched_at is not None  # the others are not held


def test_events_left_by_a_process_that_died_are_delivered_by_the_safety_net(heard, monkeypatch):
    """The commit happened, the drain after it never ran (the process was killed): the row is
    the record, and the periodic drain_due finds it."""
    with monkeypatch.context() as died:
        died.setattr(tasks, "schedule_drain", lambda stream: None)
        ping(1)
    assert heard.first == []
    OutboxEvent.objects.update(occurred_at=timezone.now() - timedelta(minutes=1))

    assert waves.drain_due() == 1
    assert heard.first == heard.second == [("ticket:1", 1)]


def test_delivered_events_are_purged_after_a_week(heard):
    ping(1)
    OutboxEvent.objects.update(dispatched_at=timezone.now() - timedelta(days=8))
    ping(2)
    assert dispatch.purge_dispatched() == 1
    assert list(OutboxEvent.objects.values_list("data__n", flat=True)) == [2]
