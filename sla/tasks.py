"""Celery tasks: thin, idempotent wrappers over the SLA actions."""

from celery import shared_task

from sla.actions import reminders, scan


@shared_task(name="sla.scan_clocks", acks_late=True)
def scan_clocks() -> dict:
    """Every minute (CELERY_BEAT_SCHEDULE): record warning/breach crossings, refresh state and
    SLA pressure of the clocks whose next check is due."""
    report = scan.scan()
    return {"checked": report.checked, "crossings": report.crossings}


@shared_task(name="sla.fire_due_reminders", acks_late=True)
def fire_due_reminders() -> int:
    """Every minute: announce due reminders."""
    return reminders.fire_due_reminders()


@shared_task(name="sla.recompute_open_clocks", acks_late=True)
def recompute_open_clocks() -> int:
    """A policy or calendar changed: re-match and replay the running clocks."""
    return scan.recompute_open_clocks()
