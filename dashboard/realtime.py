"""The live dashboard's events: what goes to the managers' and the teams' sockets.

    {"type": "ticket.created", "ticket": {"id", "reference", "status", "priority",
     "team": {"id", "name"} | null, "owner": {"id", "email", "name"} | null}, "at": "<ISO>"}

The ticket is as the event left it (the change's own moment), and the events of one ticket go
out in the order they happened (dashboard.subscribers hears them from the outbox in order).
Every event goes to the managers' group and to the group of the ticket's team (plus any extra
team, e.g. the team an envelope asks); agents join their teams' groups only, so they never
receive another team's events."""

from collections.abc import Iterable

from core.realtime import send_to_groups

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
WIRE_TICKET_FIELDS = ("id", "reference", "status", "priority", "team", "owner")


def team_group(team_id) -> str:
    return f"dashboard.team.{team_id}"


def send_event(*, event_type: str, ticket: dict, at: str, extra_team_ids: Iterable = ()) -> int:
    """Send one event about a ticket (its summary, tickets.events.summary) to the groups that
    may see it. Returns the number of group messages sent."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown dashboard event {event_type!r}.")
    wire = {"type": event_type, "ticket": {k: ticket[k] for k in WIRE_TICKET_FIELDS}, "at": at}
    groups = [ALL_TEAMS_GROUP]
    team_ids = [ticket["team"]["id"] if ticket["team"] else None, *extra_team_ids]
    for team_id in dict.fromkeys(str(pk) for pk in team_ids if pk is not None):
        groups.append(team_group(team_id))
    return send_to_groups([(group, {"type": MESSAGE_TYPE, "event": wire}) for group in groups])
