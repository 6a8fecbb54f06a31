"""Celery tasks of the event bus: thin wrappers over core.dispatch, safe to run twice."""

import logging
import time

from celery import shared_task
from django.core.cache import cache
from django.db import DatabaseError

from core import dispatch, waves
from core.background import run_or_queue
from core.deliverer import deliverer, gather_pause

logger = logging.getLogger(__name__)

# When this worker process's last drain ended (time.monotonic): while it is busy, a stream
# that comes alone waits a moment for company.
_last_drain_ended = float("-inf")
GATHER_BELOW = 10  # streams: a smaller batch waits for company while the worker is busy
# Set (in the shared cache, Redis) while a drain task is queued and not started: the commits
# meanwhile queue none of their own, since that task will find their streams. Expires in case
# the task is lost; drain_due sweeps what waited longer than that.
DRAIN_QUEUED = "core:drain-queued"
DRAIN_QUEUED_SECONDS = 5
MAX_ROUNDS = 20  # batches one task delivers before it hands over to a fresh task


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
    worker it takes along up to a batch of other streams waiting longest (core.waves), then
    batch after batch while streams wait: the commits made while this task was queued queued
    none of their own (schedule_drain). Called directly (the embedded mode, right after a
    commit) it drains its own stream only."""
    if drain_stream.request.called_directly:
        return dispatch.drain(stream)
    global _last_drain_ended
    forget_queued_drain()  # from here on, a commit queues a task again
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
        dispatched = waves.drain_many([stream], company=company)
        # The commits that found a task queued queued none: take what waits, batch by batch.
        for _ in range(MAX_ROUNDS - 1):
            waiting = _gathered(waves.pending_streams(limit=waves.MAX_STREAMS))
            done = waves.drain_many([], company=waiting) if waiting else 0
            if not done:  # nothing waits, or what waits another worker holds
                return dispatched
            dispatched += done
        schedule_drain(stream)  # more than a task's share: a fresh task goes on
        return dispatched
    finally:
        _last_drain_ended = time.monotonic()


def _gathered(waiting: list[str]) -> list[str]:
    """What waits for the next round, given a moment for company when it is a small batch: the
    task has just delivered, so it is busy, and under a steady trickle (one client's creates)
    each round would otherwise take the two or three tickets the last one left, at the fixed
    cost of a batch each (the embedded deliverer pauses before each batch alike)."""
    if not waiting or len(waiting) >= GATHER_BELOW:
        return waiting
    time.sleep(gather_pause(since_last_delivery=0.0))  # the deliverer's rule: busy, so pause
    return waves.pending_streams(limit=waves.MAX_STREAMS)


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
    elif drain_stream.app.conf.task_always_eager or _claim_queued_drain():
        run_or_queue(drain_stream, stream)


def forget_queued_drain() -> None:
    cache.delete(DRAIN_QUEUED)


def _claim_queued_drain() -> bool:
    """Whether this commit queues the drain task: not when one is queued and not started yet
    (under a burst, a thousand commits then queue a handful of tasks, not a thousand). If the
    cache cannot answer, queue: a task too many costs two reads."""
    try:
        return cache.add(DRAIN_QUEUED, 1, timeout=DRAIN_QUEUED_SECONDS)
    except Exception:  # any cache failure: a task per commit, as without the flag
        logger.warning("The drain flag could not be read; queueing the task", exc_info=True)
        return True


@shared_task(name="core.drain_due", acks_late=True)
def drain_due() -> int:
    """Beat, every few seconds: events whose delivery never started or whose retry is due."""
    return waves.drain_due()


@shared_task(name="core.purge_events", acks_late=True)
def purge_events() -> int:
    """Beat, daily: forget events delivered more than a week ago."""
    return dispatch.purge_dispatched()
