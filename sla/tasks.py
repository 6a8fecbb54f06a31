"""Celery tasks: thin, idempotent wrappers over sla.services and sla.reminders."""

from celery import shared_task

from sla import reminders, services


@shared_task(name="sla.scan_clocks", acks_late=True)
def scan_clocks() -> dict:
    """Every minute (CELERY_BEAT_SCHEDULE): record warning/breach crossings, refresh state and
    priority scores of the clocks whose next check is due."""
    report = services.scan()
    return {"checked": report.checked, "crossings": report.crossings}


@shared_task(name="sla.fire_due_reminders", acks_late=True)
def fire_due_reminders() -> int:
    """Every minute: notify owners of due reminders."""
    return reminders.fire_due_reminders()


@shared_task(name="sla.announce_crossings", bind=True, acks_late=True, max_retries=5)
def announce_crossings(self, crossing_ids: list[int]) -> int:
    """Notify about recorded crossings (each one once, however often this runs)."""
    try:
        return services.announce_crossings(crossing_ids=crossing_ids)
    except Exception as error:  # retried with backoff; the service is idempotent
        if self.request.is_eager:
            raise
        raise self.retry(exc=error, countdown=min(2**self.request.retries * 30, 900)) from error


@shared_task(name="sla.recompute_open_clocks", acks_late=True)
def recompute_open_clocks() -> int:
    """A policy or calendar changed: re-match and replay the running clocks."""
    return services.recompute_open_clocks()
