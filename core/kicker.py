"""A server process's drain requests, made off the request's thread (scale-out).

After a commit that recorded events, ``core.tasks.schedule_drain`` asks the shared cache
(Redis) whether a drain task is queued or running, and queues one if not: a round trip. On a
machine whose cores the worker and PostgreSQL keep busy, the request waited for Redis to be
given a core: 0.35 ms of a create's 6.8 ms at one client, in py-spy samples of the server
(docs/benchmarks.md, "The door's round trips to Redis"). In a server process the request
hands the stream to this thread and answers; the thread makes the request, and whatever
streams were handed over meanwhile ride on the same one, since it is made after all of their
commits (the queued task takes every waiting stream along).

Nothing is lost if the process dies with streams handed over and not yet requested: the events
are committed in the outbox, and beat's ``core.drain_due`` delivers what waited too long. At a
normal exit the thread requests what is left first.

The thread starts at the first stream handed over in each process (a server's workers fork
after import, and a thread does not survive a fork).
"""

import atexit
import logging
import os
import queue
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)

_STOP = object()
STOP_TIMEOUT = 5.0  # seconds an exiting process gives the thread to request what is left


class Kicker:
    """Hands streams to a thread of this process that asks for their drain (``request``)."""

    def __init__(self) -> None:
        self.request: Callable[[str], None] | None = None
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self.request is not None

    def start(self, request: Callable[[str], None]) -> None:
        """From now on, ``submit`` hands streams to this process's thread, which calls
        ``request(stream)`` once for each group of streams that waited together."""
        self.request = request
        atexit.register(self.stop)

    def submit(self, stream: str) -> None:
        self._ensure_thread()
        self._queue.put(stream)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Request what was handed over, then end the thread (at exit, and in tests)."""
        thread = self._thread
        if thread is None or self._pid != os.getpid() or not thread.is_alive():
            return
        self._queue.put(_STOP)
        thread.join(timeout)

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                # In a forked child the parent's queue may hold streams its thread never took:
                # they were the parent's to request.
                self._queue, self._pid = queue.SimpleQueue(), os.getpid()
                self._thread = threading.Thread(
                    target=self._run, args=(self._queue,), name="drain-requests", daemon=True
                )
                self._thread.start()

    def _run(self, waiting: queue.SimpleQueue) -> None:
        while True:
            first = waiting.get()
            streams, stop = ([], True) if first is _STOP else ([first], False)
            while True:  # what came meanwhile rides on the same request
                try:
                    more = waiting.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stop = True
                else:
                    streams.append(more)
            if streams:
                self._request(streams[0])
            if stop:
                return

    def _request(self, stream: str) -> None:
        try:
            self.request(stream)
        except Exception:  # committed in the outbox: drain_due's sweep delivers it
            logger.warning("A drain could not be requested for %s", stream, exc_info=True)


kicker = Kicker()
