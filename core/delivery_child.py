"""The embedded default's delivery process, its own side (core.delivery_process is the
server's): reads stream names from the server on stdin, delivers them with a Deliverer, and
writes the websocket messages its deliveries send back to the server as JSON lines on stdout.

    python -m core.delivery_child    (started by the server; DJANGO_SETTINGS_MODULE inherited)
"""

import json
import os
import sys
import threading

from core import realtime
from core.heap import freeze_startup_heap


class _Parent:
    """The child's side of the pipe to the server: one JSON object a line."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def write(self, message: dict) -> None:
        line = json.dumps(message, separators=(",", ":"))
        with self._lock:
            try:
                self._stream.write(line + "\n")
                self._stream.flush()
            except (BrokenPipeError, ValueError):
                # The server is gone (or stopping): its end of the pipe is closed and this
                # process ends with its stdin; what was delivered is committed regardless.
                pass

    def forward(self, messages: list[tuple[str, dict]]) -> None:
        self.write({"send": messages})


def main() -> None:
    # The pipe to the server is the stdout we were given; anything else printing to stdout
    # (a log handler, a stray print) goes to stderr instead of into the protocol.
    parent = _Parent(os.fdopen(os.dup(1), "w"))
    os.dup2(2, 1)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
    import django

    django.setup()
    from django.conf import settings

    # Work that can wait yields the CPU to the server's requests (settings.EVENTS_PROCESS_NICE).
    os.nice(max(0, settings.EVENTS_PROCESS_NICE))
    from core.deliverer import Deliverer, deliverer  # models: only once Django is set up

    freeze_startup_heap()  # what setup imported stays out of the collector's full passes

    realtime.forward_to(parent.forward)
    # This process's background delivery: the events its own deliveries publish on other
    # streams join its queue (core.tasks) rather than being delivered inline.
    deliverer.start(Deliverer(on_idle=lambda: parent.write({"idle": True})))
    for line in sys.stdin:  # until the server closes the pipe or dies
        stream = line.strip()
        if stream:
            deliverer.submit(stream)
    deliverer.impl.stop(timeout=60)


if __name__ == "__main__":
    main()
