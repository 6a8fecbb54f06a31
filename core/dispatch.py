"""Delivering the outbox. After a commit that recorded events, their stream is drained
(core.tasks.schedule_drain: in the embedded mode right here, after the commit; with a broker
by the ``core.drain_stream`` task on a worker). ``core.drain_due`` (beat) is the safety net for
events whose delivery never started (a process died between commit and drain) or whose retry
is due.

A drain delivers the stream's pending events in order, each to its subscribers in order, in
one transaction that holds the stream's lock (PostgreSQL: an advisory lock; SQLite runs one
writer at a time anyway), so two processes never deliver one stream side by side and each
subscriber sees one ticket's events in the order they happened. Subscribers' writes commit
with the delivery, so a delivered event is never handled twice by the database's account.

If a subscriber raises, the whole drain rolls back and runs again with each subscriber in its
own savepoint: the others' work stands, the failure is kept as a receipt with a retry time
(exponential backoff), and that subscriber sees no later event of the stream until the failed
one went through (or was given up after MAX_ATTEMPTS, logged as an error).
"""

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Min
from django.utils import timezone

from core.models import EventReceipt, OutboxEvent
from core.subscriptions import Event, Subscriber, subscribers_of

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH = 200  # events read at once; a drain goes on until the stream is empty
MAX_EVENTS_PER_DRAIN = 2000  # a runaway chain of events stops here and resumes in a new drain
LOCK_NAMESPACE = 0x0B0C
Status = EventReceipt.Status

_draining: ContextVar[frozenset[str]] = ContextVar("outbox_draining", default=frozenset())


def is_draining(stream: str) -> bool:
    """Whether this thread is delivering the stream now (new events on it join that drain)."""
    return stream in _draining.get()


@contextmanager
def draining(streams) -> Iterator[None]:
    """Mark the streams as being delivered by this thread: events published on them meanwhile
    join this delivery instead of scheduling one of their own."""
    token = _draining.set(_draining.get() | set(streams))
    try:
        yield
    finally:
        _draining.reset(token)


def drain(stream: str) -> int:
    """Deliver the stream's pending events; returns how many were fully dispatched. A long
    chain of events is delivered in several transactions of at most MAX_EVENTS_PER_DRAIN."""
    if is_draining(stream):
        return 0
    with draining([stream]):
        dispatched = 0
        while True:
            done, more = _drain_once(stream)
            dispatched += done
            if not more:
                return dispatched


def _drain_once(stream: str) -> tuple[int, bool]:
    try:
        with transaction.atomic():
            return _deliver(stream, isolate=False)
    except Exception:
        logger.info("A subscriber failed on %s; delivering with isolation", stream)
    with transaction.atomic():
        return _deliver(stream, isolate=True)


def lock_key(stream: str) -> int:
    """The stream's advisory lock key (PostgreSQL), in namespace LOCK_NAMESPACE."""
    return zlib.crc32(stream.encode()) & 0x7FFFFFFF


def _lock(stream: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            key = lock_key(stream)
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, key])


@dataclass
class _Pass:
    """One drain's bookkeeping."""

    now: datetime
    isolate: bool
    blocked: set[str] = field(default_factory=set)  # subscribers waiting on an earlier event
    dispatched: int = 0


def _deliver(stream: str, *, isolate: bool) -> tuple[int, bool]:
    """One transaction's worth: (events dispatched, whether more are waiting)."""
    _lock(stream)
    state = _Pass(now=timezone.now(), isolate=isolate)
    last_id, seen = 0, 0
    while seen < MAX_EVENTS_PER_DRAIN:
        rows = list(
            OutboxEvent.objects.filter(stream=stream, dispatched_at__isnull=True, id__gt=last_id)
            .order_by("id")
            .only("id", "name", "stream", "data", "occurred_at", "partial_drains")[:BATCH]
        )
        if not rows:
            break
        _deliver_batch(rows, state)
        last_id, seen = rows[-1].id, seen + len(rows)
    return state.dispatched, seen >= MAX_EVENTS_PER_DRAIN


def _deliver_batch(rows: list[OutboxEvent], state: _Pass) -> None:
    receipts = _receipts_of([row for row in rows if row.partial_drains])
    complete_ids, outcomes = [], []
    for row in rows:
        event = Event(row.id, row.name, row.stream, row.data, row.occurred_at)
        complete = True
        for subscriber in subscribers_of(row.name):
            receipt = receipts.get((row.id, subscriber.name))
            if receipt is not None and receipt.status in (Status.DONE, Status.DEAD):
                continue
            waiting = receipt is not None and receipt.next_attempt_at > state.now
            if subscriber.name in state.blocked or waiting:
                state.blocked.add(subscriber.name)
                complete = False
                continue
            error = _run(subscriber, event, isolate=state.isolate)
            outcome = _outcome(row, subscriber, receipt, error, state.now)
            outcomes.append(outcome)
            if outcome.status == Status.RETRY:
                state.blocked.add(subscriber.name)
                complete = False
        if complete:
            complete_ids.append(row.id)
    if complete_ids:
        OutboxEvent.objects.filter(id__in=complete_ids).update(dispatched_at=state.now)
        state.dispatched += len(complete_ids)
    _keep_receipts(rows, complete_ids, outcomes)


def _run(subscriber: Subscriber, event: Event, *, isolate: bool) -> str | None:
    """Run one subscriber; with ``isolate`` in a savepoint, returning its error instead of
    raising it."""
    if not isolate:
        subscriber.handle(event)
        return None
    try:
        with transaction.atomic():
            subscriber.handle(event)
    except Exception as error:
        logger.warning("Subscriber %s failed on event %s", subscriber.name, event.id, exc_info=True)
        return f"{type(error).__name__}: {error}"[:2000]
    return None


@dataclass(frozen=True)
class _Outcome:
    event_id: int
    subscriber: str
    status: str
    attempts: int = 0
    next_attempt_at: datetime | None = None
    error: str = ""


def _outcome(row, subscriber, receipt, error: str | None, now: datetime) -> _Outcome:
    if error is None:
        return _Outcome(row.id, subscriber.name, Status.DONE)
    attempts = (receipt.attempts if receipt is not None else 0) + 1
    if attempts >= MAX_ATTEMPTS:
        logger.error(
            "Gave up delivering event %s (%s) to %s after %s attempts: %s",
            row.id,
            row.name,
            subscriber.name,
            attempts,
            error,
        )
        return _Outcome(row.id, subscriber.name, Status.DEAD, attempts, None, error)
    retry_at = now + backoff(attempts)
    return _Outcome(row.id, subscriber.name, Status.RETRY, attempts, retry_at, error)


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s... at most 10 minutes."""
    return timedelta(seconds=min(2**attempts, 600))


def _receipts_of(rows: list[OutboxEvent]) -> dict:
    if not rows:
        return {}
    found = EventReceipt.objects.filter(event_id__in=[row.id for row in rows])
    return {(receipt.event_id, receipt.subscriber): receipt for receipt in found}


def _keep_receipts(rows, complete_ids: list[int], outcomes: list[_Outcome]) -> None:
    """Receipts matter only for events still pending (what is done is not redone, what failed
    waits for its retry) and for what was given up (the dead letter). An event left pending
    counts a partial drain, so the next drain reads its receipts."""
    complete = set(complete_ids)
    kept = [o for o in outcomes if o.event_id not in complete or o.status == Status.DEAD]
    for outcome in kept:
        EventReceipt.objects.update_or_create(
            event_id=outcome.event_id,
            subscriber=outcome.subscriber,
            defaults={
                "status": outcome.status,
                "attempts": outcome.attempts,
                "next_attempt_at": outcome.next_attempt_at,
                "last_error": outcome.error,
            },
        )
    pending = [row.id for row in rows if row.id not in complete]
    if pending:
        OutboxEvent.objects.filter(id__in=pending).update(partial_drains=F("partial_drains") + 1)


# --- the safety net ---------------------------------------------------------------------------


def due_streams(*, stale_after: timedelta = timedelta(seconds=10), limit: int = 500) -> list[str]:
    """Streams with an event left undelivered for ``stale_after`` or a retry that is due (the
    sweep's work: core.waves.drain_due delivers them), oldest first."""
    now = timezone.now()
    stale = (
        OutboxEvent.objects.filter(dispatched_at__isnull=True, occurred_at__lte=now - stale_after)
        .values("stream")
        .annotate(oldest=Min("occurred_at"))
        .order_by("oldest")
        .values_list("stream", flat=True)[:limit]
    )
    retries = (
        EventReceipt.objects.filter(status=Status.RETRY, next_attempt_at__lte=now)
        .order_by()
        .values_list("event__stream", flat=True)
        .distinct()[:limit]
    )
    return list(dict.fromkeys([*stale, *retries]))


def purge_dispatched(*, older_than: timedelta = timedelta(days=7), batch: int = 5000) -> int:
    """Forget events delivered long ago (their effects are in the tables and the audit log)."""
    cutoff = timezone.now() - older_than
    purged = 0
    while True:
        ids = list(
            OutboxEvent.objects.filter(dispatched_at__lt=cutoff).values_list("id", flat=True)[
                :batch
            ]
        )
        if not ids:
            return purged
        purged += OutboxEvent.objects.filter(id__in=ids).delete()[0]
