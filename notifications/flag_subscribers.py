"""Flags that tell people (tickets.actions.flags): a ticket flagged ``social_media`` goes to
the managers, one flagged ``repeat_contact`` to its owner (else its team). A flag is announced
once, when it is set, so each is told once."""

from django.contrib.auth import get_user_model

from core.roles import Role
from core.subscriptions import Event, subscribe
from notifications.actions.notify import notify
from notifications.models import EventType
from tickets.events import TICKET_FLAGGED, TicketEvent
from tickets.models import CaseFlag, Ticket

Kind = CaseFlag.Kind


def _message(kind: str, ticket: Ticket, who: str) -> str:
    if kind == Kind.SOCIAL_MEDIA:
        return f"{ticket.reference} was flagged for social media exposure by {who}."
    return f"{ticket.reference} has been contacted about again and again (repeat contact)."


def _recipients(kind: str, ticket: Ticket) -> list:
    if kind == Kind.SOCIAL_MEDIA:
        return list(get_user_model().objects.filter(groups__name=Role.MANAGER, is_active=True))
    if ticket.owner_id is not None:
        return [ticket.owner]
    return [ticket.team] if ticket.team_id is not None else []


@subscribe(TICKET_FLAGGED, name="notifications.flags")
def tell_of_flag(event: Event) -> None:
    change = TicketEvent.of(event)
    kind = change.data.get("kind")
    if kind not in (Kind.SOCIAL_MEDIA, Kind.REPEAT_CONTACT):
        return
    ticket = Ticket.objects.select_related("requester", "owner", "team").get(pk=change.ticket_id)
    recipients = _recipients(kind, ticket)
    if not recipients:
        return
    who = change.actor["name"] if change.actor else "the service desk"
    payload = {
        "kind": kind,
        "label": Kind(kind).label,
        "note": change.data.get("note", ""),
        "message": _message(kind, ticket, who),
        "internal": True,
    }
    notify(recipients=recipients, event_type=EventType.FLAGGED, ticket=ticket, payload=payload)
