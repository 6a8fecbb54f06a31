"""The embedded default's background worker: a thread in the server process that delivers the
outbox after the response, so a request answers once its transaction commits and routing, the
SLA start, notifications, e-mails and dashboard events follow a moment later.

The outbox stays the record. The thread is told which streams to drain (``submit``, from the
after-commit hook), and it also sweeps the outbox: once when it starts, for everything a
process that died between a commit and its delivery left behind (``kill -9`` included), and
then whenever it has been idle for SWEEP_SECONDS, for retries that fell due. A drain is
idempotent and holds its stream's lock, so a sweep racing another process's drain of the same
stream delivers nothing twice.

Only server processes start background delivery (itsm.asgi, itsm.wsgi;
settings.EVENTS_IN_BACKGROUND, on by default without a broker), and by default not in this
thread but in a child process running it (core.delivery_process; settings.EVENTS_IN_A_PROCESS),
so requests and deliveries use both cores. A management command, the beat process and the
test suite deliver right after the commit instead, and with a broker the Celery workers
deliver.
"""

import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import connection

from core import waves

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 5.0
# A sweep's "stale": undelivered for this long although a process that is alive was told to
# deliver it (the thread's own queue takes the fresh ones first).
STALE_AFTER = timedelta(seconds=5)
# Under a burst the thread waits this long before taking what is queued: a batch of ten
# tickets costs a fraction of ten batches of one (docs/benchmarks.md, "Delivery in batches"),
# and the requests in flight have the interpreter meanwhile. A stream asked for after a quiet
# spell is delivered at once. Short beside API.md's second for dashboard events.
GATHER_SECONDS = 0.15
_STOP = object()


def gather_pause(*, since_last_delivery: float) -> float:
    """How long to let a batch gather before delivering it: only while busy, that is when the
    previous delivery ended less than GATHER_SECONDS ago."""
    return GATHER_SECONDS if since_last_delivery < GATHER_SECONDS else 0.0


class Deliverer:
    """One thread, one queue of stream names; streams asked for twice before their turn are
    drained once (a drain takes every pending event of its stream)."""

    def __init__(self, on_idle: Callable[[], None] | None = None) -> None:
        self._on_idle = on_idle  # told each time the queue runs empty (core.delivery_child)
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.idle = threading.Event()  # set while nothing is queued or being delivered

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        with self._lock:
            if self.running:
                return
            self._thread = threading.Thread(target=self._run, name="outbox-deliverer", daemon=True)
            self._thread.start()

    def submit(self, stream: str) -> None:
        self.idle.clear()
        self._queue.put(stream)

    def stop(self, timeout: float = 10.0) -> None:
        """Finish what is queued, then end the thread."""
        thread = self._thread
        if thread is None:
            return
        self._queue.put(_STOP)
        thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        self._sweep(stale_after=timedelta(0))  # what a process that died left behind
        swept = delivered = time.monotonic()
        while True:
            try:
                first = self._queue.get(timeout=SWEEP_SECONDS)
            except queue.Empty:
                first = None
            if first is None or time.monotonic() - swept > SWEEP_SECONDS:
                # Idle, or busy without a pause: retries fall due either way.
                self._sweep(stale_after=STALE_AFTER)
                swept = time.monotonic()
                if first is None:
                    continue
            if first is not _STOP:
                time.sleep(gather_pause(since_last_delivery=time.monotonic() - delivered))
            streams, stop = self._take_queued(first)
            self._deliver(streams)
            self._release_connection()
            delivered = time.monotonic()
            self._set_idle_if_empty()
            if stop:
                return

    def _take_queued(self, first) -> tuple[list[str], bool]:
        """The first item and everything queued behind it, each stream once, in order."""
        items = [first]
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        stop = _STOP in items
        return list(dict.fromkeys(item for item in items if item is not _STOP)), stop

    def _deliver(self, streams: list[str]) -> None:
        """Everything queued so far, in batches (core.waves)."""
        try:
            waves.drain_many(streams)
        except Exception:
            # The events stay in the outbox; the next sweep (or core.drain_due) retries them.
            logger.exception("Delivering %s streams failed; left for the next sweep", len(streams))
            self._release_connection()

    def _sweep(self, *, stale_after: timedelta) -> None:
        try:
            waves.drain_due(stale_after=stale_after)
        except Exception:
            logger.exception("Sweeping the outbox failed; trying again in %s s", SWEEP_SECONDS)
        finally:
            self._release_connection()
            self._set_idle_if_empty()

    def _set_idle_if_empty(self) -> None:
        if self._queue.empty():
            self.idle.set()
            if self._on_idle is not None:
                self._on_idle()

    @staticmethod
    def _release_connection() -> None:
        """A pooled connection goes back to the pool between batches (the requests share
        it); a plain one is kept unless it broke."""
        if connection.settings_dict["OPTIONS"].get("pool") or (
            connection.connection is not None and not connection.is_usable()
        ):
            connection.close()


class Background:
    """This process's background delivery, if it has one: a Deliverer (this thread's) or a
    core.delivery_process.DeliveryProcess (a child's). core.tasks asks it whether it runs and
    hands it the streams of each commit."""

    def __init__(self) -> None:
        self.impl = None

    @property
    def running(self) -> bool:
        return self.impl is not None and self.impl.running

    @property
    def idle(self) -> threading.Event:
        return self.impl.idle

    def submit(self, stream: str) -> None:
        self.impl.submit(stream)

    def start(self, impl) -> None:
        self.impl = impl
        impl.start()

    def stop(self) -> None:
        if self.impl is not None:
            self.impl.stop()


deliverer = Background()


def start_if_configured() -> None:
    """Called by the server entry points once Django is set up."""
    from django.conf import settings

    if not getattr(settings, "EVENTS_IN_BACKGROUND", False) or deliverer.running:
        return
    if getattr(settings, "EVENTS_IN_A_PROCESS", True):
        from core.delivery_process import DeliveryProcess

        deliverer.start(DeliveryProcess())
    else:
        deliverer.start(Deliverer())
