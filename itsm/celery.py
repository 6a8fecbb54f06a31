"""The Celery app. Without REDIS_URL the settings make every task run eagerly in-process."""

import os

from celery import Celery
from django.conf import settings

from itsm.configuration import exit_if_missing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")

app = Celery("itsm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def _settings_or_exit(sender: Celery, **kwargs) -> None:
    """`celery -A itsm worker` on a machine without its configuration: one sentence, not a
    traceback from inside the config loader (the settings load here, first)."""
    exit_if_missing(lambda: settings.SECRET_KEY)
