"""Delivering many streams in one transaction (core.waves): each stream's events in order, a
batch subscriber called once per wave with the events of every stream, a failure falling back
to the one-by-one drain and its retry, streams another process holds left to it."""

from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from core import subscriptions, waves
from core.dispatch import LOCK_NAMESPACE, lock_key
from core.models import EventReceipt, OutboxEvent
from tests.core.outbox import held, streams

pytestmark = pytest.mark.django_db


def test_a_batch_delivers_every_stream_in_order_one_call_per_wave(heard):
    held([(stream, n) for n in (1, 2, 3) for stream in streams(5)])

    assert waves.drain_many(streams(5)) == 15

    assert len(heard.calls) == 3  # three waves, each with the five streams' next event
    assert [sorted(call) for call in heard.calls] == [
        sorted((stream, n) for stream in streams(5)) for n in (1, 2, 3)
    ]
    for stream in streams(5):
        assert [n for s, n in heard.written() if s == stream] == [1, 2, 3]
        assert [n for s, n in heard.single if s == stream] == [1, 2, 3]
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()


def test_events_published_during_a_wave_come_in_a_later_wave_of_the_same_batch(heard):
    heard.echo = True
    held([(stream, 1) for stream in streams(4)])

    waves.drain_many(streams(4))

    assert [sorted(call) for call in heard.calls] == [
        sorted((stream, 1) for stream in streams(4)),
        sorted((stream, 101) for stream in streams(4)),
    ]
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()


def test_a_failure_rolls_the_batch_back_and_each_stream_is_delivered_on_its_own(heard):
    heard.fail_on = {("ticket:2", 1)}
    held([(stream, 1) for stream in streams(4)])

    waves.drain_many(streams(4))

    # The batch's writes were undone; the one-by-one drains wrote each event once. (What a
    # subscriber does outside the database, like this list, it may do again: it is idempotent.)
    assert sorted(heard.written()) == sorted((stream, 1) for stream in streams(4))
    assert set(heard.single) == {(s, 1) for s in streams(4) if s != "ticket:2"}
    pending = OutboxEvent.objects.get(dispatched_at__isnull=True)
    assert pending.stream == "ticket:2"
    receipts = EventReceipt.objects.filter(event=pending)
    assert dict(receipts.values_list("subscriber", "status")) == {
        "test.batch": EventReceipt.Status.DONE,
        "test.single": EventReceipt.Status.RETRY,
    }

    # A later batch leaves that stream to the careful path, which waits for the retry time.
    held([("ticket:2", 2), ("ticket:3", 2)])
    heard.fail_on = set()
    waves.drain_many(["ticket:2", "ticket:3"])
    assert ("ticket:3", 2) in heard.single
    assert ("ticket:2", 2) not in heard.single  # behind its stream's failed event
    assert OutboxEvent.objects.filter(stream="ticket:2", dispatched_at__isnull=True).count() == 2


def test_company_streams_are_taken_only_when_clean(heard):
    held([("ticket:1", 1), ("ticket:2", 1), ("ticket:3", 1)])
    OutboxEvent.objects.filter(stream="ticket:3").update(partial_drains=1)

    waves.drain_many(["ticket:1"], company=waves.pending_streams(limit=10, excluding="ticket:1"))

    assert sorted(heard.single) == [("ticket:1", 1), ("ticket:2", 1)]
    assert OutboxEvent.objects.get(dispatched_at__isnull=True).stream == "ticket:3"


def test_a_batch_costs_the_same_statements_for_five_streams_or_forty(
    heard, django_assert_max_num_queries
):
    # Per wave: the pending events, the mark as dispatched; per batch: the locks. The batch
    # subscriber's own audit rows are one INSERT per event here (a test subscriber), so
    # count with the one-by-one subscriber only.
    monkeypatch_single_only(heard)
    held([(stream, 1) for stream in streams(5)])
    with django_assert_max_num_queries(8):
        waves.drain_many(streams(5))
    held([(stream, 1) for stream in streams(40, offset=5)])
    with django_assert_max_num_queries(8):
        assert waves.drain_many(streams(40, offset=5)) == 40


def monkeypatch_single_only(heard) -> None:
    subscriptions._subscribers["test.ping"] = [
        s for s in subscriptions._subscribers["test.ping"] if s.name == "test.single"
    ]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's (CI's second run)"
)
def test_a_stream_another_process_delivers_is_left_to_it(heard):
    held([("ticket:1", 1), ("ticket:2", 1)])
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:  # another process holds ticket:2's stream
            key = lock_key("ticket:2")
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, key])
        waves.drain_many(["ticket:1"], company=["ticket:2"])
        assert heard.single == [("ticket:1", 1)]
        assert OutboxEvent.objects.get(dispatched_at__isnull=True).stream == "ticket:2"
    finally:
        # Unlocked before closing: a pooled connection goes back to the pool with its session
        # locks, and the drain below would wait on it.
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")
        other.close()
    waves.drain_many(["ticket:2"])
    assert sorted(heard.single) == [("ticket:1", 1), ("ticket:2", 1)]


def test_the_sweep_delivers_stale_streams_in_batches(heard, django_assert_max_num_queries):
    """A deliverer behind a burst finds most of its queue stale: the sweep takes the stale
    streams in one batch (one call per wave of the batch subscriber), not one drain each."""
    held([(stream, 1) for stream in streams(12)])
    OutboxEvent.objects.update(occurred_at=timezone.now() - timedelta(minutes=1))
    held([("ticket:99", 1)])  # not stale yet: left to its own delivery

    with django_assert_max_num_queries(25):  # one stream at a time was over 12 x 6
        assert waves.drain_due(stale_after=timedelta(seconds=10)) == 12

    assert [sorted(call) for call in heard.calls] == [sorted((s, 1) for s in streams(12))]
    assert list(
        OutboxEvent.objects.filter(dispatched_at__isnull=True).values_list("stream", flat=True)
    ) == ["ticket:99"]
