"""The queue, from the admin: failed or cancelled rows sent again (a fresh round of attempts),
pending ones cancelled; each audited."""

from django.db import transaction
from django.utils import timezone

from core.audit import record_audit
from core.background import after_commit
from notifications.models import NotificationQueue, QueueStatus, Timing
from notifications.tasks import deliver_notification


@transaction.atomic
def retry_queued(*, queue_ids, actor) -> int:
    """Send failed or cancelled rows again now, with a fresh round of attempts."""
    rows = list(
        NotificationQueue.objects.select_for_update().filter(
            pk__in=queue_ids, status__in=[QueueStatus.FAILED, QueueStatus.CANCELLED]
        )
    )
    now = timezone.now()
    for row in rows:
        row.status, row.attempts, row.scheduled_for = QueueStatus.PENDING, 0, now
        row.save(update_fields=["status", "attempts", "scheduled_for"])
        if row.timing == Timing.IMMEDIATE:
            after_commit(deliver_notification, str(row.pk))
    record_audit(
        actor=actor,
        action="notifications.retried",
        data={"queue_ids": [str(row.pk) for row in rows]},
    )
    return len(rows)


@transaction.atomic
def cancel_queued(*, queue_ids, actor) -> int:
    rows = list(
        NotificationQueue.objects.select_for_update().filter(
            pk__in=queue_ids, status=QueueStatus.PENDING
        )
    )
    for row in rows:
        row.status = QueueStatus.CANCELLED
        row.save(update_fields=["status"])
    record_audit(
        actor=actor,
        action="notifications.cancelled",
        data={"queue_ids": [str(row.pk) for row in rows]},
    )
    return len(rows)
