"""Flags that tell people (tickets.actions.flags): a ticket flagged ``social_media`` goes to
the managers, one flagged ``repeat_contact`` to its owner (else its team). A flag is announced
once, when it is set, so each is told once.

A wave's flags are told together: the repeat-contact detection flags a burst's tickets in one
batch, and told one by one each flag cost a ticket read, a planning pass and a delivery task
of its own (about ten times a routed ticket's whole delivery, docs/benchmarks.md "Flags told
in batches")."""

from django.contrib.auth import get_user_model

from core.roles import Role
from core.subscriptions import Event, subscribe
from notifications.actions.notify import NotifyRequest, notify_many
from notifications.event_tickets import tickets_of
from notifications.models import EventType
from tickets.events import TICKET_FLAGGED, TicketEvent
from tickets.models import CaseFlag, Ticket

Kind = CaseFlag.Kind
TOLD = frozenset({Kind.SOCIAL_MEDIA, Kind.REPEAT_CONTACT})


def _message(kind: str, ticket: Ticket, who: str) -> str:
    if kind == Kind.SOCIAL_MEDIA:
        return f"{ticket.reference} was flagged for social media exposure by {who}."
    return f"{ticket.reference} has been contacted about again and again (repeat contact)."


def _managers() -> list:
    return list(get_user_model().objects.filter(groups__name=Role.MANAGER, is_active=True))


def _recipients(kind: str, ticket: Ticket, managers: list) -> list:
    if kind == Kind.SOCIAL_MEDIA:
        return managers
    if ticket.owner_id is not None:
        return [ticket.owner]
    return [ticket.team] if ticket.team_id is not None else []


@subscribe(TICKET_FLAGGED, name="notifications.flags", batch=True)
def tell_of_flags(events: list[Event]) -> None:
    """The flags of a wave in a fixed number of queries: their tickets, the managers when a
    social-media flag is among them, and one ``notify_many``."""
    changes = [change for change in map(TicketEvent.of, events) if change.data.get("kind") in TOLD]
    if not changes:
        return
    tickets = tickets_of([change.ticket_id for change in changes])
    kinds = {change.data["kind"] for change in changes}
    managers = _managers() if Kind.SOCIAL_MEDIA in kinds else []
    requests = []
    for change in changes:
        kind, ticket = change.data["kind"], tickets[change.ticket_id]
        recipients = _recipients(kind, ticket, managers)
        if not recipients:
            continue
        who = change.actor["name"] if change.actor else "the service desk"
        payload = {
            "kind": kind,
            "label": Kind(kind).label,
            "note": change.data.get("note", ""),
            "message": _message(kind, ticket, who),
            "internal": True,
        }
        requests.append(NotifyRequest(recipients, EventType.FLAGGED, ticket, payload))
    if requests:
        notify_many(requests=requests)
