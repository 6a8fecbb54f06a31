"""Celery tasks of the event bus: thin wrappers over core.dispatch, safe to run twice."""

import time

from celery import shared_task
from django.db import DatabaseError

from core import dispatch, waves
from core.background import run_or_queue
from core.deliverer import deliverer, gather_pause

# When this worker process's last drain ended (time.monotonic): while it is busy, a stream
# that comes alone waits a moment for company.
_last_drain_ended = float("-inf")
GATHER_BELOW = 10  # streams: a smaller batch waits for company while the worker is busy


@shared_task(
    name="core.drain_stream",
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
)
def drain_stream(stream: str) -> int:
    """Deliver a stream's pending events (queued after the commit that recorded them). On a
    worker it takes along up to a batch of other streams waiting longest (core.waves): under a
    burst most of the queued tasks then find their stream delivered and end at once. Called
    directly (the embedded mode, right after a commit) it drains its own stream only."""
    if drain_stream.request.called_directly:
        return dispatch.drain(stream)
    global _last_drain_ended
    company = waves.pending_streams(limit=waves.MAX_STREAMS - 1, excluding=stream)
    if not company and not waves.is_pending(stream):
        return 0  # taken along by an earlier batch: no transaction, no locks
    if len(company) + 1 < GATHER_BELOW:
        # A small batch while busy (one ticket after another): its fixed statements cost about
        # what ten tickets' do, so let a few more gather, as the embedded deliverer thread does.
        pause = gather_pause(since_last_delivery=time.monotonic() - _last_drain_ended)
        if pause:
            time.sleep(pause)
            company = waves.pending_streams(limit=waves.MAX_STREAMS - 1, excluding=stream)
    try:
        return waves.drain_many([stream], company=company)
    finally:
        _last_drain_ended = time.monotonic()


def delivered_after_response() -> bool:
    """Whether events committed now reach their subscribers after the request has answered (the
    server's deliverer thread, or a worker through the broker), rather than during the commit
    (tests, commands and scripts in the embedded mode). A door may then answer with what it
    wrote, as it was at the commit, instead of reading it back."""
    return deliverer.running or not drain_stream.app.conf.task_always_eager


def schedule_drain(stream: str) -> None:
    """After a commit that recorded events on ``stream``: deliver them (on a worker with a
    broker; in a server process of the embedded mode by its background thread, after the
    response; anywhere else right here)."""
    if deliverer.running:
        deliverer.submit(stream)
    else:
        run_or_queue(drain_stream, stream)


@shared_task(name="core.drain_due", acks_late=True)
def drain_due() -> int:
    """Beat, every few seconds: events whose delivery never started or whose retry is due."""
    return dispatch.drain_due()


@shared_task(name="core.purge_events", acks_late=True)
def purge_events() -> int:
    """Beat, daily: forget events delivered more than a week ago."""
    return dispatch.purge_dispatched()
