"""An agent's notification preferences per event type: channels and timing, or back to the
default."""

from django.db import transaction

from core.exceptions import DomainValidationError
from notifications.models import REQUESTER_EVENTS, EventType, NotificationPreference, Timing


@transaction.atomic
def set_preference(
    *,
    user,
    event_type: str,
    email: bool,
    in_app: bool,
    teams: bool = False,
    slack: bool = False,
    timing: str = Timing.IMMEDIATE,
) -> NotificationPreference:
    if event_type not in EventType.values or event_type in REQUESTER_EVENTS:
        raise DomainValidationError({"event_type": [f"{event_type!r} is not an agent event."]})
    if timing not in Timing.values:
        raise DomainValidationError({"timing": [f"Unknown timing {timing!r}."]})
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user,
        event_type=event_type,
        defaults={
            "email": email,
            "in_app": in_app,
            "teams": teams,
            "slack": slack,
            "timing": timing,
        },
    )
    return preference


@transaction.atomic
def reset_preference(*, user, event_type: str) -> None:
    """Back to the default for this event type."""
    if event_type not in EventType.values or event_type in REQUESTER_EVENTS:
        raise DomainValidationError({"event_type": [f"{event_type!r} is not an agent event."]})
    NotificationPreference.objects.filter(user=user, event_type=event_type).delete()
