"""The Celery app. Without REDIS_URL the settings make every task run eagerly in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")

app = Celery("itsm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def run_or_queue(task, *args) -> None:
    """Queue a task for a worker; in the embedded mode (no broker, tasks eager) call it right
    here. The direct call runs the same body without Celery's eager tracing, which cost about
    2 ms of CPU per call, several times per ticket (docs/benchmarks.md, "Webhook ingestion").
    Errors propagate either way (an autoretry task called directly re-raises)."""
    if task.app.conf.task_always_eager:
        task(*args)
    else:
        task.delay(*args)
