"""The embedded default's delivery in a process of its own: a child of each server process
that delivers the outbox while the server answers requests, on the machine's other core
instead of in a thread that takes turns with the requests for one interpreter.

The outbox stays the record, as with the thread (core.deliverer): the server tells the child
which streams to drain, one name a line on the child's stdin, after each commit; the child
runs the same Deliverer (batches, sweeps, retries) and sweeps everything undelivered when it
starts. If the child dies (``kill -9`` included) the server starts another, whose first sweep
delivers what the dead one left; if the server dies, the child reads the end of its stdin,
finishes what it was told and exits.

Websocket messages go back the other way: in the embedded default the channel layer lives in
the server's memory, where the sockets are, so the child's ``core.realtime`` writes each
transaction's messages as a JSON line to the server, whose reader thread sends them into its
channel layer.

The child's side is core.delivery_child (``python -m core.delivery_child``, started by the
server, DJANGO_SETTINGS_MODULE inherited).
"""

import contextlib
import json
import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

from core import realtime

logger = logging.getLogger(__name__)

RESTART_AFTER = 1.0  # seconds between a child's death and the next one's start
ROOT = Path(__file__).resolve().parent.parent


class DeliveryProcess:
    """The server's side: starts and restarts the child, feeds it stream names, and sends the
    websocket messages it hands back. Same face as core.deliverer.Deliverer (start, submit,
    stop, running, idle)."""

    def __init__(self, command: list[str] | None = None) -> None:
        self.command = command or [sys.executable, "-m", "core.delivery_child"]
        self.idle = threading.Event()  # set when the child says its queue is empty
        self._child: subprocess.Popen | None = None
        self._write_lock = threading.Lock()
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None
        self.starts = 0  # children started so far (the first and every restart)

    @property
    def running(self) -> bool:
        return self._supervisor is not None and not self._stopping.is_set()

    @property
    def pid(self) -> int | None:
        child = self._child
        return child.pid if child is not None and child.poll() is None else None

    def start(self) -> None:
        if self.running:
            return
        self._stopping.clear()
        ready = threading.Event()
        self._supervisor = threading.Thread(
            target=self._supervise, args=(ready,), name="outbox-delivery-process", daemon=True
        )
        self._supervisor.start()
        ready.wait(10)

    def submit(self, stream: str) -> None:
        """Tell the child; if it is between lives, its successor's first sweep finds the
        stream (the events are committed), so nothing waits on a queue here."""
        self.idle.clear()
        child = self._child
        if child is None or child.stdin is None:
            return
        try:
            with self._write_lock:
                child.stdin.write(stream + "\n")
                child.stdin.flush()
        except (OSError, ValueError):  # it died; the supervisor starts the next one
            logger.info("The delivery process is gone; its successor sweeps %s", stream)

    def stop(self, timeout: float = 10.0) -> None:
        """Close the child's stdin: it delivers what it was told, then exits."""
        self._stopping.set()
        child = self._child
        if child is not None:
            with self._write_lock, contextlib.suppress(OSError):
                child.stdin.close()
            try:
                child.wait(timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if self._supervisor is not None:
            self._supervisor.join(timeout)
        self._supervisor = None

    def _supervise(self, ready: threading.Event) -> None:
        while not self._stopping.is_set():
            child = self._spawn()
            ready.set()
            self._read(child)  # until the child's stdout ends: it exited
            code = child.wait()
            if self._stopping.is_set():
                return
            logger.warning("The delivery process exited (%s); starting another", code)
            time.sleep(RESTART_AFTER)

    def _spawn(self) -> subprocess.Popen:
        child = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            self.command,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        with self._write_lock:
            self._child = child
            self.starts += 1
        return child

    def _read(self, child: subprocess.Popen) -> None:
        for line in child.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                logger.warning("Unreadable line from the delivery process: %r", line[:200])
                continue
            if "send" in message:
                realtime.send_here([(group, body) for group, body in message["send"]])
            if message.get("idle"):
                self.idle.set()
