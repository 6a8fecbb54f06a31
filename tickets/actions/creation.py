"""Opening a ticket, whichever door it came through (API, webhook, e-mail, portal, admin). The
ticket, its first timeline entry, the audit row and ``ticket.created`` are written together;
routing, the SLA clock, the requester's receipt and the dashboard follow the event."""

from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.utils import timezone

from core import inserts
from core.audit import record_audit
from core.exceptions import DomainValidationError, NotPermitted
from core.metrics import TICKETS_INGESTED
from core.roles import Role, role_of
from org.models import Team
from tickets.actions.contacts import get_or_create_contact
from tickets.actions.journal import record_system_entry
from tickets.events import (
    PRIORITY_DEFAULT,
    PRIORITY_GIVEN,
    PRIORITY_MATRIX,
    TICKET_CREATED,
    publish_ticket_event,
)
from tickets.lifecycle import TicketStatus
from tickets.models import Ticket, TicketType
from tickets.priority import derive_priority, priority_score
from tickets.references import next_reference


@dataclass(frozen=True)
class NewTicket:
    """What a ticket is created from, whichever door it came through."""

    title: str
    requester_email: str
    requester_name: str = ""
    requester_crm_id: str = ""  # the requester's CRM id: their contact whatever the e-mail
    description: str = ""
    type: str = TicketType.INCIDENT
    category: str = ""
    priority: str | None = None  # None: derived from urgency x impact
    urgency: str = ""
    impact: str = ""
    source: str = "web"
    external_id: str = ""
    external_metadata: dict = field(default_factory=dict)
    team: Team | None = None  # None: routing picks one after the commit


@transaction.atomic
def create_ticket(*, actor, data: NewTicket) -> Ticket:
    """Create a ticket for a requester. Requesters may only open tickets for themselves."""
    _ensure_may_create_for(actor=actor, requester_email=data.requester_email)
    if not data.title.strip():
        raise DomainValidationError({"title": ["A title is required."]})
    if data.type not in TicketType.values:
        raise DomainValidationError({"type": [f"Unknown ticket type '{data.type}'."]})
    requester = get_or_create_contact(
        email=data.requester_email, name=data.requester_name, crm_id=data.requester_crm_id
    )
    priority = data.priority or derive_priority(data.urgency, data.impact)
    reference = next_reference(ticket_type=data.type, year=timezone.now().year)
    with inserts.together():  # the four rows in one statement (PostgreSQL)
        ticket = _record_ticket(
            actor=actor, data=data, requester=requester, priority=priority, reference=reference
        )
    # Counted once the ticket exists for good: a creation that rolls back (a webhook's lost
    # race on the same source id) is not an ingested ticket.
    transaction.on_commit(partial(TICKETS_INGESTED.labels(source=data.source).inc), robust=True)
    return ticket


def _record_ticket(*, actor, data: NewTicket, requester, priority: str, reference: str) -> Ticket:
    """The ticket and what its creation leaves behind: the timeline entry, the audit row and
    ``ticket.created`` (each row built by its own writer)."""
    ticket = Ticket(
        reference=reference,
        type=data.type,
        title=data.title.strip(),
        description=data.description,
        category=data.category,
        priority=priority,
        urgency=data.urgency,
        impact=data.impact,
        priority_score=priority_score(
            priority=priority, tier=requester.effective_tier, status=TicketStatus.NEW
        ),
        source=data.source,
        external_id=data.external_id,
        external_metadata=data.external_metadata,
        requester=requester,
        team=data.team,
    )
    inserts.add(ticket)
    record_system_entry(ticket=ticket, content=f"Ticket created from {data.source}.", actor=actor)
    record_audit(
        actor=actor,
        action="ticket.created",
        ticket=ticket,
        data={"reference": ticket.reference, "source": data.source},
    )
    publish_ticket_event(
        TICKET_CREATED,
        ticket=ticket,
        actor=actor,
        source=data.source,
        priority_from=_priority_origin(data),
    )
    return ticket


def _priority_origin(data: NewTicket) -> str:
    if data.priority:
        return PRIORITY_GIVEN
    return PRIORITY_MATRIX if (data.urgency or data.impact) else PRIORITY_DEFAULT


def _ensure_may_create_for(*, actor, requester_email: str) -> None:
    role = role_of(actor)
    if role is None and actor is not None and actor.is_authenticated:
        raise NotPermitted("This account has no role that may open tickets.")
    if role == Role.REQUESTER and actor.contact.email.lower() != requester_email.strip().lower():
        raise NotPermitted("Requesters open tickets for themselves only.")
