"""Celery tasks of the event bus: thin wrappers over core.dispatch, safe to run twice."""

import logging
import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

from core import dispatch, waves
from core.background import run_or_queue
from core.deliverer import deliverer, gather_pause
from core.kicker import kicker

logger = logging.getLogger(__name__)

# When this worker process's last drain ended (time.monotonic): while it is busy, a stream
# that comes alone waits a moment for company.
_last_drain_ended = float("-inf")
# While the worker is busy, a round waits for company until it has GATHER_TARGET streams or
# its oldest event has waited GATHER_MAX_WAIT seconds since its commit, looking every
# GATHER_STEP. A batch's fixed cost is about what 12-18 tickets' own work costs (33-47 ms of
# CPU against 2.6-2.7 a ticket, docs/benchmarks.md "A batch's fixed cost" and "A loop kept for
# the channel layer"): a worker that kept up by delivering whatever the last round left (10-25
# streams under one client) spent 40% of its CPU on it. The wait is bounded well inside
# API.md's second from commit to dashboard event.
GATHER_TARGET = 50
GATHER_MAX_WAIT = 0.25
GATHER_STEP = 0.1
# Set (in the shared cache, Redis) while a drain task is queued or running: the commits meanwhile
# queue none of their own, since that task looks again before it ends and finds their streams. Under
# a steady trickle one task then takes each round's commits together, as the embedded deliverer
# does, instead of a task per commit that the worker's children take in turns (docs/benchmarks.md,
# "The throttle's counts, a Redis connection per request, one drain at a time"). Expires in case the
# task is lost (a running task renews it each round); drain_due sweeps what waited longer than that.
DRAIN_QUEUED = "core:drain-queued"
DRAIN_QUEUED_SECONDS = 5
# Set while a helper task is queued and not started: a full batch waiting behind the running
# drain asks for one more pair of hands (another worker process), one at a time.
HELP_QUEUED = "core:drain-help-queued"
MAX_ROUNDS = 20  # batches one task delivers before it hands over to a fresh task

_retried = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
}


@shared_task(name="core.drain_stream", **_retried)
def drain_stream(stream: str) -> int:
    """Deliver a stream's pending events (queued after the commit that recorded them). On a
    worker it takes along up to a batch of other streams waiting longest (core.waves), then
    batch after batch while streams wait: the commits made while this task was queued or
    running queued none of their own (schedule_drain). Called directly (the embedded mode,
    right after a commit) it drains its own stream only."""
    if drain_stream.request.called_directly:
        return dispatch.drain(stream)
    global _last_drain_ended
    _hold(DRAIN_QUEUED)  # renewed: the task may have waited in the queue
    try:
        company, waited = waves.waiting_streams(limit=waves.MAX_STREAMS - 1, excluding=stream)
        if not company and not waves.is_pending(stream):
            # Taken along by an earlier batch: no transaction, no locks; but what was committed
            # while the flag was up counts on this task.
            company = _let_go()
            if not company:
                return 0
        if gather_pause(since_last_delivery=time.monotonic() - _last_drain_ended):
            # Busy (one ticket after another): a small batch waits for company. After a quiet
            # spell the stream goes at once.
            company = _gathered(company, waited, own=stream)
        dispatched = waves.drain_many([stream], company=company)
        dispatched += _rounds(MAX_ROUNDS - 1)
        return dispatched
    except BaseException:
        _drop(DRAIN_QUEUED)  # the commits queue their own again, whatever became of this one
        raise
    finally:
        _last_drain_ended = time.monotonic()


@shared_task(name="core.drain_help", **_retried)
def drain_help() -> int:
    """Batches beside the running drain while a full batch waits behind it (a burst, a backlog):
    taken by whichever worker process is free, so several workers share the load. It stops
    when the backlog is gone, leaving the trickle to the running drain, which holds the flag
    and looks again before it ends."""
    _drop(HELP_QUEUED)  # from here on, a full batch may ask for another helper
    dispatched = 0
    for _ in range(MAX_ROUNDS):
        waiting = waves.pending_streams(limit=2 * waves.MAX_STREAMS)
        if len(waiting) < waves.MAX_STREAMS:  # no backlog: the running drain keeps up
            break
        _ask_for_help()
        # The batch after the oldest first: the running drain holds the oldest one's locks.
        oldest, later = waiting[: waves.MAX_STREAMS], waiting[waves.MAX_STREAMS :]
        done = waves.drain_many([], company=later + oldest)
        if not done:  # what waits other processes hold
            break
        dispatched += done
    return dispatched


def _rounds(count: int) -> int:
    """Up to ``count`` batches of what waits, renewing the running drain's flag each round;
    when nothing waits, let the flag go and look once more. After ``count`` rounds a fresh task
    goes on, the flag still up for it."""
    dispatched = 0
    for _ in range(count):
        waiting = _gathered(*waves.waiting_streams(limit=waves.MAX_STREAMS)) or _let_go()
        if not waiting:
            return dispatched
        if len(waiting) >= waves.MAX_STREAMS:
            _ask_for_help()
        done = waves.drain_many([], company=waiting)
        if not done:  # what waits another process holds: it delivers that
            _drop(DRAIN_QUEUED)
            return dispatched
        dispatched += done
        _hold(DRAIN_QUEUED)
    run_or_queue(drain_stream, waiting[0])  # more than a task's share: a fresh task goes on
    return dispatched


def _gathered(waiting: list[str], waited: float, *, own: str = "") -> list[str]:
    """What waits for the next round (besides the task's ``own`` stream), given time for
    company while the batch is small: the task has just delivered, so it is busy, and under a
    steady trickle each round would otherwise take the few tickets the last one left, at the
    fixed cost of a batch each. ``waited``: how long the oldest of ``waiting`` has waited. The
    pauses alone are bounded too, whatever the clocks of the committing processes say."""
    paused, own_count = 0.0, 1 if own else 0
    while 0 < len(waiting) + own_count < GATHER_TARGET and max(waited, paused) < GATHER_MAX_WAIT:
        pause = min(GATHER_STEP, GATHER_MAX_WAIT - max(waited, paused))
        time.sleep(pause)
        paused += pause
        limit = waves.MAX_STREAMS - own_count
        waiting, waited = waves.waiting_streams(limit=limit, excluding=own)
    return waiting


def _let_go() -> list[str]:
    """Take the flag down, then look once more: a commit that found it up just before queued no
    task and counts on this one. What waits now is this task's if it can raise the flag again;
    if not, a commit since has queued a task that will find it."""
    _drop(DRAIN_QUEUED)
    waiting = waves.pending_streams(limit=waves.MAX_STREAMS)
    return waiting if waiting and _claim(DRAIN_QUEUED) else []


def _ask_for_help() -> None:
    # Not in the embedded mode: a helper would run inline, before the round that asked.
    if not drain_help.app.conf.task_always_eager and _claim(HELP_QUEUED):
        run_or_queue(drain_help)


def _drop(flag: str) -> None:
    try:
        cache.delete(flag)
    except Exception:  # it expires within DRAIN_QUEUED_SECONDS; drain_due sweeps meanwhile
        logger.warning("The drain flag could not be taken down", exc_info=True)


def _hold(flag: str) -> None:
    try:
        cache.set(flag, 1, timeout=DRAIN_QUEUED_SECONDS)
    except Exception:  # the commits then queue their own tasks: more of them, nothing lost
        logger.warning("The drain flag could not be renewed", exc_info=True)


def delivered_after_response() -> bool:
    """Whether events committed now reach their subscribers after the request has answered (the
    server's deliverer thread, or a worker through the broker), rather than during the commit
    (tests, commands and scripts in the embedded mode). A door may then answer with what it
    wrote, as it was at the commit, instead of reading it back."""
    return deliverer.running or not drain_stream.app.conf.task_always_eager


def schedule_drain(stream: str) -> None:
    """After a commit that recorded events on ``stream``: deliver them (on a worker with a
    broker, asked for by a server process's own thread, after the response; in a server
    process of the embedded mode by its background delivery; anywhere else right here)."""
    if deliverer.running:
        deliverer.submit(stream)
    elif drain_stream.app.conf.task_always_eager:
        run_or_queue(drain_stream, stream)
    elif kicker.running:
        kicker.submit(stream)
    else:
        request_drain(stream)


def start_drain_requests() -> None:
    """Called by the server entry points: with a broker, a commit's drain is asked for by a
    thread of the server process after the response (core.kicker), not by the request."""
    if not getattr(settings, "DRAIN_REQUESTS_IN_BACKGROUND", False) or kicker.running:
        return
    if not drain_stream.app.conf.task_always_eager:
        kicker.start(request_drain)


def request_drain(stream: str) -> None:
    """Queue a drain task for ``stream`` unless one is queued or running already (which looks
    again before it ends, and so finds the stream)."""
    if _claim(DRAIN_QUEUED):
        run_or_queue(drain_stream, stream)


def forget_queued_drain() -> None:
    cache.delete_many([DRAIN_QUEUED, HELP_QUEUED])


def _claim(flag: str) -> bool:
    """Whether this caller raises ``flag`` and so queues the task it stands for: not while one
    is queued or running (under a burst, a thousand commits then queue a handful of tasks, not
    a thousand). If the cache cannot answer, queue: a task too many costs a few reads."""
    try:
        return cache.add(flag, 1, timeout=DRAIN_QUEUED_SECONDS)
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
