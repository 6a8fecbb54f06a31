"""What a long-lived process holds from its start, kept out of the garbage collector's way.

The collector's full passes walk every object it tracks. A process that has imported Django,
the apps and their libraries tracks about 250,000 objects that live as long as it does, and a
delivery batch allocates enough (model instances, snapshots, rows) to set off a full pass every
couple of hundred tickets: 1.0 s of the 3.2 s of CPU one process spent delivering 400 tickets
(docs/benchmarks.md, "Delivery cost per ticket, routing and SLA"). ``freeze_startup_heap``
moves what the process holds once it is set up into the collector's permanent generation
(``gc.freeze``), which its passes skip; what the process allocates later is collected as
before. Called where a long-lived process has started: a Celery worker (each prefork child,
or the worker process itself for the threads and solo pools), the delivery child, and every
server process (``itsm.asgi``, ``itsm.wsgi``), whether it delivers events or a worker does. A
scale-out server process did not freeze until 2026-12-05: a full pass over its 275,000 startup
objects every few hundred requests cost 0.15-0.3 ms a create (docs/benchmarks.md, "The server's
startup heap").
"""

import gc


def freeze_startup_heap() -> None:
    gc.collect()  # the start's own garbage goes first, so it is not kept for good
    gc.freeze()
