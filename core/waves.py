"""Delivering many streams at once: how the background thread and the Celery worker get
through a burst. One transaction, one commit and a few statements of bookkeeping for a hundred
tickets, instead of a transaction, a lock and four statements of bookkeeping each; and every
subscriber registered with ``batch=True`` gets all the events of a wave in one call, so it reads
and writes for a hundred tickets in a few statements (docs/benchmarks.md, "Delivery in batches").

``drain_many(streams)`` delivers in waves: a wave takes the oldest pending event of each
stream, and each subscriber handles the wave's events it listens to, subscribers in their
registration order. So the promises of core.dispatch hold per stream: its events in order,
every subscriber done with one event before any sees the stream's next, the stream's lock held
(the same PostgreSQL advisory lock as ``dispatch.drain``, so no other process delivers it
meanwhile). Events the wave's subscribers publish on these streams come in a later wave.

What a batch does not deliver goes through ``dispatch.drain``, one stream at a time, after the
batch commits: streams another process holds (their locks are tried, never waited for, so two
batches cannot wait on each other), streams with an event a subscriber failed on before (their
receipts need the careful path), what is left after MAX_WAVES, and every stream of a batch in
which a subscriber raised (the batch rolls back; the one-by-one drain isolates the failure and
keeps its retry). ``company`` streams are taken only if they are free and clean: they belong
to another delivery (their own task, or the sweep), which still runs if this one leaves them.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from core import dispatch, shared_reads
from core.models import OutboxEvent
from core.subscriptions import Event, Subscriber, subscribers_of

logger = logging.getLogger(__name__)

MAX_STREAMS = 100  # a batch's size: the gain flattens out well before, the lock list stays short
MAX_WAVES = 20  # a stream with a longer chain of events finishes in its own drain
MAX_ROWS = 2000  # pending events read per wave


def drain_many(streams: Iterable[str], *, company: Iterable[str] = ()) -> int:
    """Deliver the pending events of ``streams`` (all of them, batched or one by one) and of
    whichever ``company`` streams are free. Returns how many events were dispatched."""
    own = [stream for stream in dict.fromkeys(streams) if not dispatch.is_draining(stream)]
    extra = [s for s in dict.fromkeys(company) if s not in own and not dispatch.is_draining(s)]
    dispatched, left = 0, []
    everything = own + extra
    for start in range(0, len(everything), MAX_STREAMS):
        with shared_reads.read_once():  # the configuration's tokens once a batch
            done, rest = _batch(everything[start : start + MAX_STREAMS])
        dispatched += done
        left += rest
    mine = set(own)
    for stream in left:
        if stream in mine:
            dispatched += dispatch.drain(stream)
    return dispatched


def drain_due(*, stale_after: timedelta = timedelta(seconds=10), limit: int = 500) -> int:
    """The sweep: deliver every stream with an event left undelivered for ``stale_after`` or a
    retry that is due, in batches like any other delivery. A deliverer that fell behind a
    burst finds most of its queue stale; drained one stream at a time (a transaction, a lock
    and each subscriber's own statements per ticket) the sweep cost several times what the
    batches do and kept it behind (docs/benchmarks.md, "The sweep in batches")."""
    return drain_many(dispatch.due_streams(stale_after=stale_after, limit=limit))


def pending_streams(*, limit: int, excluding: str = "") -> list[str]:
    """Streams with an event waiting longest, for a worker to take along with its own."""
    return waiting_streams(limit=limit, excluding=excluding)[0]


def waiting_streams(*, limit: int, excluding: str = "") -> tuple[list[str], float]:
    """``pending_streams`` and how long, in seconds, the oldest of their events has waited
    since it was committed (0.0 when nothing waits): one query."""
    rows = list(
        OutboxEvent.objects.filter(dispatched_at__isnull=True, partial_drains=0)
        .exclude(stream=excluding)
        .order_by("occurred_at")
        .values_list("stream", "occurred_at")[: limit * 3]
    )
    if not rows:
        return [], 0.0
    waited = (timezone.now() - rows[0][1]).total_seconds()
    return list(dict.fromkeys(stream for stream, _ in rows))[:limit], max(waited, 0.0)


def is_pending(stream: str) -> bool:
    """Whether the stream has an event not dispatched yet (one failed before included)."""
    return OutboxEvent.objects.filter(stream=stream, dispatched_at__isnull=True).exists()


def _batch(streams: list[str]) -> tuple[int, list[str]]:
    """One transaction: (events dispatched, streams left to a drain of their own)."""
    with dispatch.draining(streams):
        try:
            with transaction.atomic():
                return _deliver(streams)
        except Exception:
            logger.info(
                "A subscriber failed in a batch of %s streams; delivering them one by one",
                len(streams),
                exc_info=True,
            )
            return 0, streams


def _deliver(streams: list[str]) -> tuple[int, list[str]]:
    active = _try_locks(streams)
    left = [stream for stream in streams if stream not in active]
    now, dispatched = timezone.now(), 0
    for _ in range(MAX_WAVES):
        wave, unclean = _wave(active)
        for stream in unclean:
            active.discard(stream)
            left.append(stream)
        if not wave:
            break
        _run(wave)
        OutboxEvent.objects.filter(id__in=[event.id for event in wave]).update(dispatched_at=now)
        dispatched += len(wave)
    else:
        waiting = OutboxEvent.objects.filter(stream__in=active, dispatched_at__isnull=True)
        left += list(waiting.order_by().values_list("stream", flat=True).distinct())
    return dispatched, left


def _try_locks(streams: list[str]) -> set[str]:
    """The streams whose lock this transaction now holds (all of them on SQLite, which runs
    one writer at a time)."""
    if connection.vendor != "postgresql":
        return set(streams)
    keys = {dispatch.lock_key(stream): stream for stream in streams}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT k, pg_try_advisory_xact_lock(%s, k) FROM unnest(%s::integer[]) AS k",
            [dispatch.LOCK_NAMESPACE, list(keys)],
        )
        held = {key for key, taken in cursor.fetchall() if taken}
    # Streams whose keys collide share one lock, which this transaction then holds for both.
    return {stream for stream in streams if dispatch.lock_key(stream) in held}


def _wave(active: set[str]) -> tuple[list[Event], set[str]]:
    """The oldest pending event of each active stream, and the streams that need the careful
    path (an event a subscriber failed on before)."""
    if not active:
        return [], set()
    rows = (
        OutboxEvent.objects.filter(stream__in=active, dispatched_at__isnull=True)
        .order_by("id")
        .only("id", "name", "stream", "data", "occurred_at", "partial_drains")[:MAX_ROWS]
    )
    first: dict[str, OutboxEvent] = {}
    unclean: set[str] = set()
    for row in rows:
        if row.partial_drains:
            unclean.add(row.stream)
        first.setdefault(row.stream, row)
    wave = [
        Event(row.id, row.name, row.stream, row.data, row.occurred_at)
        for stream, row in first.items()
        if stream not in unclean
    ]
    return wave, unclean


def _run(wave: list[Event]) -> None:
    """Each subscriber once, with the wave's events it listens to, in registration order."""
    handled: dict[str, tuple[Subscriber, list[Event]]] = {}
    for event in wave:
        for subscriber in subscribers_of(event.name):
            handled.setdefault(subscriber.name, (subscriber, []))[1].append(event)
    for subscriber, events in sorted(handled.values(), key=lambda pair: pair[0].position):
        subscriber.handle_many(events)
