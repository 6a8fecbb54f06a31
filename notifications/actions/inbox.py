"""The in-app inbox: a user marks their own notifications read or unread (idempotent)."""

from django.db import transaction
from django.utils import timezone

from notifications.models import Notification


@transaction.atomic
def mark_read(*, user, notification_id) -> Notification:
    """Mark one of the user's own notifications read (idempotent). Another user's: not found."""
    note = Notification.objects.select_for_update().get(pk=notification_id, user=user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note


@transaction.atomic
def mark_unread(*, user, notification_id) -> Notification:
    note = Notification.objects.select_for_update().get(pk=notification_id, user=user)
    if note.read_at is not None:
        note.read_at = None
        note.save(update_fields=["read_at"])
    return note


@transaction.atomic
def mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
