"""The one place that pushes an in-app notification to the browser (channel-layer group
``user.<id>``). The dashboard app will own channel-layer publishing; it can move this function
there without touching the callers."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def user_group(user_id) -> str:
    return f"user.{user_id}"


def push_notification(notification) -> None:
    """Send ``notification.created`` to the user's group. Call it after commit."""
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        user_group(notification.user_id),
        {"type": "notification.created", "notification": as_event(notification)},
    )


def as_event(notification) -> dict:
    return {
        "id": str(notification.pk),
        "event_type": notification.event_type,
        "title": notification.title,
        "body": notification.body,
        "ticket": str(notification.ticket_id) if notification.ticket_id else None,
        "created_at": notification.created_at.isoformat(),
        "read": notification.read_at is not None,
    }
