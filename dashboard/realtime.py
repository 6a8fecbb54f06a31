"""The one place that puts events on the channel layer.

Services call ``publish(...)`` inside their transaction; the event leaves after the commit (at
once when no transaction is open) and is never sent for a write that rolled back. The payload
is built after the commit from the committed row, so it shows the ticket as it now is:

    {"type": "ticket.created", "ticket": {"id", "reference", "status", "priority",
     "team": {"id", "name"} | null, "owner": {"id", "email", "name"} | null}, "at": "<ISO>"}

Every event goes to the managers' group and to the group of the ticket's team (plus any
``extra_team_ids``, e.g. the team an envelope asks for); agents join their teams' groups only,
so they never receive another team's events. A broken channel layer never turns a committed
write into an error: failures are logged.
"""

import logging
from collections.abc import Iterable
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

TICKET_CREATED = "ticket.created"
TICKET_UPDATED = "ticket.updated"
TICKET_ASSIGNED = "ticket.assigned"
TICKET_RESOLVED = "ticket.resolved"
ENVELOPE_CREATED = "envelope.created"
ENVELOPE_COMPLETED = "envelope.completed"
SLA_WARNING = "sla.warning"
SLA_BREACHED = "sla.breached"

EVENT_TYPES = frozenset(
    {
        TICKET_CREATED,
        TICKET_UPDATED,
        TICKET_ASSIGNED,
        TICKET_RESOLVED,
        ENVELOPE_CREATED,
        ENVELOPE_COMPLETED,
        SLA_WARNING,
        SLA_BREACHED,
    }
)

# Managers and admins: every event. Channel-layer group names allow [a-zA-Z0-9_.-] only.
ALL_TEAMS_GROUP = "dashboard.all"
# The consumer's handler for events put on the layer here (type "dashboard.event").
MESSAGE_TYPE = "dashboard.event"


def team_group(team_id) -> str:
    return f"dashboard.team.{team_id}"


def user_group(user_id) -> str:
    """A user's own group; notifications.realtime sends ``notification.created`` to it."""
    from notifications.realtime import user_group as notifications_group

    return notifications_group(user_id)


def publish(*, event_type: str, ticket_ids: Iterable, extra_team_ids: Iterable = ()) -> None:
    """Announce ``event_type`` for each ticket after the current transaction commits."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown dashboard event {event_type!r}.")
    ids = [str(pk) for pk in ticket_ids]
    if not ids:
        return
    extra = tuple(str(pk) for pk in extra_team_ids if pk is not None)
    transaction.on_commit(partial(send_events, event_type, ids, extra), robust=True)


def ticket_payload(ticket) -> dict:
    """The ``ticket`` of an event (the ticket API's team and owner shapes)."""
    owner = ticket.owner
    return {
        "id": str(ticket.pk),
        "reference": ticket.reference,
        "status": ticket.status,
        "priority": ticket.priority,
        "team": {"id": str(ticket.team_id), "name": ticket.team.name} if ticket.team_id else None,
        "owner": (
            {
                "id": owner.pk,
                "email": owner.email,
                "name": owner.get_full_name() or owner.get_username(),
            }
            if owner is not None
            else None
        ),
    }


def send_events(event_type: str, ticket_ids: list[str], extra_team_ids: tuple = ()) -> int:
    """Send now (runs after commit). Returns the number of group messages sent."""
    try:
        layer = get_channel_layer()
        if layer is None:
            return 0
        from dashboard import kpis
        from tickets.models import Ticket

        kpis.invalidate()
        tickets = Ticket.objects.select_related("team", "owner").filter(pk__in=ticket_ids)
        at = timezone.now().isoformat()
        messages = []
        for ticket in tickets:
            event = {"type": event_type, "ticket": ticket_payload(ticket), "at": at}
            groups = {ALL_TEAMS_GROUP, *(team_group(pk) for pk in extra_team_ids)}
            if ticket.team_id:
                groups.add(team_group(ticket.team_id))
            messages += [(group, {"type": MESSAGE_TYPE, "event": event}) for group in groups]
        if messages:
            async_to_sync(_group_send_all)(layer, messages)
        return len(messages)
    except Exception:  # the event is a courtesy: the write has committed
        logger.exception("Could not publish %s for %s", event_type, ticket_ids)
        return 0


async def _group_send_all(layer, messages: list[tuple[str, dict]]) -> None:
    for group, message in messages:
        await layer.group_send(group, message)
