"""Celery tasks: thin, idempotent wrappers over notifications.actions.delivery. Retries of failed
deliveries are rows in NotificationQueue with an exponential backoff (policy.backoff), so they
survive restarts and show in the admin; the beat entries in settings pick them up."""

from celery import shared_task

from core.background import run_or_queue
from notifications.actions import delivery


@shared_task(name="notifications.deliver")
def deliver_notification(queue_id: str) -> str | None:
    return delivery.deliver_queued(queue_id=queue_id)


@shared_task(name="notifications.deliver_many")
def deliver_many(queue_ids: list[str]) -> int:
    """The rows one transaction made due (notify_many): e-mails over one connection."""
    return delivery.deliver_many_queued(queue_ids=queue_ids)


@shared_task(name="notifications.deliver_due")
def deliver_due_notifications() -> int:
    """Every row due now (first sends held by quiet hours, retries, expired leases)."""
    ids = delivery.due_queue_ids()
    for queue_id in ids:
        run_or_queue(deliver_notification, str(queue_id))
    return len(ids)


@shared_task(name="notifications.send_digests")
def send_digests() -> int:
    """Hourly and daily digests that have fallen due: one e-mail per agent and timing."""
    return delivery.send_due_digests()
