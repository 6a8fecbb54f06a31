"""Pushing an in-app notification to its user's browser, through the one websocket exit
(core.realtime): ``notification.created`` to the user's group, sent once the notifying
transaction commits."""

from core.realtime import send_to_groups, user_group


def push_notification(notification) -> None:
    push_notifications([notification])


def push_notifications(notifications) -> None:
    """Many at once: one hand-over to core.realtime for a batch's thousands of rows."""
    send_to_groups(
        [
            (
                user_group(notification.user_id),
                {"type": "notification.created", "notification": as_event(notification)},
            )
            for notification in notifications
        ]
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
