"""The Celery app. Without REDIS_URL the settings make every task run eagerly in-process."""

import os

from celery import Celery, signals
from celery.fixups.django import DjangoFixup, DjangoWorkerFixup
from django.conf import settings
from django.db import close_old_connections

from itsm.configuration import exit_if_missing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")

app = Celery("itsm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class ConnectionReusingFixup(DjangoWorkerFixup):
    """Celery's Django fixup, keeping database connections across tasks.

    The stock fixup closes every connection before and after each task, and in a prefork
    child it also closes the psycopg pool, so each task opened new PostgreSQL sessions (about
    six per ticket, docs/benchmarks.md "Delivery"). Here a task ends as a request does in
    Django: a pooled connection goes back to the pool, a persistent one stays open until
    CONN_MAX_AGE or an error. After a fork the child still drops what it inherited
    (on_worker_process_init, unchanged)."""

    def close_database(self, **kwargs) -> None:
        close_old_connections()


@signals.celeryd_init.connect
def _reuse_connections(**kwargs) -> None:
    """In a worker, before Celery installs its Django worker fixup (worker_init) and before
    any connection opens: persistent connections rather than a pool (itsm.databases)."""
    import environ

    from itsm.databases import without_pools

    without_pools(settings.DATABASES, environ.Env())
    for fixup in app._fixups:  # Celery keeps the fixups it installed only there
        if isinstance(fixup, DjangoFixup):
            fixup.worker_fixup = ConnectionReusingFixup(app)


@app.on_configure.connect
def _settings_or_exit(sender: Celery, **kwargs) -> None:
    """`celery -A itsm worker` on a machine without its configuration: one sentence, not a
    traceback from inside the config loader (the settings load here, first)."""
    exit_if_missing(lambda: settings.SECRET_KEY)


@signals.worker_ready.connect
def _forget_queued_drain(**kwargs) -> None:
    """A worker that starts takes whatever the outbox holds on its first task; a flag left by
    a task that was lost (its queue flushed) must not keep the commits from queueing one."""
    from core.tasks import forget_queued_drain  # here: this module loads before the apps

    forget_queued_drain()


@signals.worker_process_init.connect
@signals.worker_ready.connect
def _freeze_startup_heap(**kwargs) -> None:
    """A prefork child after the fork, and the worker process (the threads and solo pools run
    tasks there): what they loaded to start stays out of the collector's passes."""
    from core.heap import freeze_startup_heap

    freeze_startup_heap()
