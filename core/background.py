"""The one way to hand work to the background: a Celery task, queued for a worker when a
broker is configured, or run right here in the embedded mode (no broker, tasks eager).

``run_or_queue`` starts it now; ``after_commit`` starts it once the current transaction has
committed (at once outside one), so a worker never looks for rows that are not there yet and
work for a change that rolled back never starts."""

from functools import partial

from django.db import transaction


def run_or_queue(task, *args) -> None:
    """Queue a task for a worker; in the embedded mode call it right here. The direct call
    runs the same body without Celery's eager tracing, which cost about 2 ms of CPU per call,
    several times per ticket (docs/benchmarks.md, "Webhook ingestion"). Errors propagate
    either way (an autoretry task called directly re-raises)."""
    if task.app.conf.task_always_eager:
        task(*args)
    else:
        task.delay(*args)


def after_commit(task, *args) -> None:
    """``run_or_queue`` once the current transaction commits."""
    transaction.on_commit(partial(run_or_queue, task, *args), robust=True)
