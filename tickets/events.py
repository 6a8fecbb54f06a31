"""The ticket's domain events: what the ticket actions publish, on the ticket's own stream, so
every subscriber sees one ticket's events in the order they happened.

Every event carries ``ticket`` (the ticket as it was right after the change, in the shape the
dashboard shows) and ``actor`` (``{"id", "name"}``, or None for the system and integrations);
besides that:

=====================  ======================================================================
event                  data
=====================  ======================================================================
ticket.created         ``source``; ``priority_from`` ("given", "matrix": urgency x impact, or
                       "default": none of them, routing may guess it from the text)
ticket.updated         ``changed`` {field: [before, after]} (status moves too); ``cause``
                       ("action", or "routing" for what routing rules changed)
ticket.routed          ``decision``, ``method``, ``rule_event``, ``suggested_agent`` (user id
                       or None), ``changed``
ticket.assigned        ``changed`` (owner, and status on accept); ``reason`` ("accepted" or the
                       transfer's reason)
ticket.resolved        ``changed`` (status); ``resolution``
ticket.entry_added     ``entry``, ``type``, ``visibility``, ``by_requester``, ``by_staff``,
                       ``imported`` (arrived from a source or by e-mail)
ticket.mentioned       ``entry``, ``visibility``, ``mentioned`` (ids of the staff named with
                       ``@`` in a reply or note, each once; never the author)
ticket.flagged         ``kind``, ``note``
ticket.unflagged       ``kind``
=====================  ======================================================================
"""

import uuid
from dataclasses import dataclass, field

from core.display import display_name
from core.events import publish, publish_many
from core.subscriptions import Event

TICKET_CREATED = "ticket.created"
TICKET_UPDATED = "ticket.updated"
TICKET_ROUTED = "ticket.routed"
TICKET_ASSIGNED = "ticket.assigned"
TICKET_RESOLVED = "ticket.resolved"
TICKET_ENTRY_ADDED = "ticket.entry_added"
TICKET_MENTIONED = "ticket.mentioned"
TICKET_FLAGGED = "ticket.flagged"
TICKET_UNFLAGGED = "ticket.unflagged"
# On the contact's stream (``contact:<id>``): ``contact``, ``user``, ``email``.
CONTACT_INVITED = "contact.invited"

CAUSE_ACTION, CAUSE_ROUTING = "action", "routing"
# Where a new ticket's priority came from (ticket.created's ``priority_from``).
PRIORITY_GIVEN, PRIORITY_MATRIX, PRIORITY_DEFAULT = "given", "matrix", "default"


def stream_of(ticket_id) -> str:
    return f"ticket:{ticket_id}"


def summary(ticket) -> dict:
    """The ticket in an event: what the dashboard shows and what subscribers filter on."""
    owner = ticket.owner if ticket.owner_id else None
    return {
        "id": str(ticket.pk),
        "reference": ticket.reference,
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.type,
        "category": ticket.category,
        "team": {"id": str(ticket.team_id), "name": ticket.team.name} if ticket.team_id else None,
        "owner": (
            {"id": owner.pk, "email": owner.email, "name": display_name(owner)} if owner else None
        ),
    }


def _actor(actor) -> dict | None:
    if actor is None or getattr(actor, "pk", None) is None:  # the system, an integration key
        return None
    return {"id": actor.pk, "name": display_name(actor)}


def publish_ticket_event(name: str, *, ticket, actor=None, **data) -> None:
    """Record the event in the current transaction (delivered after the commit)."""
    publish(name, stream=stream_of(ticket.pk), data=ticket_event_data(ticket, actor, data))


def ticket_event(name: str, *, ticket, actor=None, **data) -> tuple[str, str, dict]:
    """The event as ``publish_ticket_events`` takes it: ``(name, stream, data)``."""
    return name, stream_of(ticket.pk), ticket_event_data(ticket, actor, data)


def publish_ticket_events(events: list[tuple[str, str, dict]]) -> None:
    """Record many ticket events (from ``ticket_event``) in one statement; each stream's keep
    the order given."""
    publish_many(events)


def ticket_event_data(ticket, actor, data: dict) -> dict:
    return {"ticket": summary(ticket), "actor": _actor(actor), **data}


@dataclass(frozen=True)
class TicketEvent:
    """A ticket event as subscribers read it."""

    name: str
    ticket_id: uuid.UUID
    ticket: dict
    actor: dict | None
    occurred_at: object
    data: dict = field(default_factory=dict)

    @classmethod
    def of(cls, event: Event) -> "TicketEvent":
        data = dict(event.data)
        ticket = data.pop("ticket")
        actor = data.pop("actor", None)
        return cls(event.name, uuid.UUID(ticket["id"]), ticket, actor, event.occurred_at, data)

    @property
    def changed(self) -> dict:
        return self.data.get("changed") or {}

    @property
    def actor_id(self) -> int | None:
        return self.actor["id"] if self.actor else None
