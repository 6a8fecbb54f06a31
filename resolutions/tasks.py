"""Celery tasks: thin, idempotent wrappers over the resolutions actions (safe to run twice)."""

from celery import shared_task
from django.utils import timezone

from resolutions.actions.calibration import generate_queue
from resolutions.periods import Week


@shared_task(name="resolutions.generate_calibration", acks_late=True)
def generate_calibration(period: str | None = None) -> int:
    """Weekly (CELERY_BEAT_SCHEDULE, Monday morning): the queue of the ISO week that just
    ended, or of ``period``. Returns how many items it added."""
    week = Week.parse(period) if period else Week.of(timezone.now()).shifted(-1)
    return generate_queue(actor=None, week=week).created
