"""Reads of envelopes and their threads. Who sees which envelope is decided here only:

- admins and managers: every envelope;
- the ticket's owner: every envelope of their tickets;
- the expert who accepted it (``assigned_to``): that envelope, whatever its status;
- while it is pending: the named agent and the members of the envelope's team;
- everybody else (other agents, requesters, integrations): none (the API answers 404).

Envelope threads are the ``envelope_only`` timeline entries of the envelope; the main timeline
(tickets.selectors.visible_timeline) never includes them.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from core.roles import Role, role_of
from escalations.lifecycle import OPEN_ENVELOPE_STATUSES, EnvelopeStatus
from escalations.models import Envelope, EscalationRuleFiring
from org.selectors import is_team_member, team_ids_of
from tickets.lifecycle import OPEN_STATUSES
from tickets.models import Ticket, TimelineEntry


def with_related(envelopes: QuerySet[Envelope]) -> QuerySet[Envelope]:
    return envelopes.select_related("ticket", "team", "agent", "assigned_to", "requested_by")


def holder_q(user, prefix: str = "") -> Q:
    """Envelopes an agent takes part in as an expert: holds it, or may still accept it."""
    return Q(**{f"{prefix}assigned_to": user}) | (
        Q(**{f"{prefix}status": EnvelopeStatus.PENDING})
        & (Q(**{f"{prefix}agent": user}) | Q(**{f"{prefix}team_id__in": team_ids_of(user)}))
    )


def envelope_ticket_ids(user) -> QuerySet:
    """Subquery: ids of the tickets on which the agent holds (or may accept) an envelope.
    Used by tickets.selectors.visible_tickets."""
    return Envelope.objects.filter(holder_q(user)).values("ticket_id")


def visible_envelopes(user) -> QuerySet[Envelope]:
    role = role_of(user)
    envelopes = Envelope.objects.all()
    if role in (Role.ADMIN, Role.MANAGER):
        return envelopes
    if role == Role.AGENT:
        # Subqueries, not joins through the team memberships: no duplicate rows.
        return envelopes.filter(
            Q(ticket_id__in=Ticket.objects.filter(owner=user).values("pk")) | holder_q(user)
        )
    return envelopes.none()


def ticket_envelopes(user, ticket: Ticket) -> QuerySet[Envelope]:
    return with_related(visible_envelopes(user).filter(ticket=ticket)).order_by("created_at")


def envelope_thread(envelope: Envelope) -> QuerySet[TimelineEntry]:
    """The thread of an envelope the caller may already see (check with visible_envelopes)."""
    return (
        envelope.entries.filter(visibility=TimelineEntry.Visibility.ENVELOPE_ONLY)
        .select_related("author")
        .order_by("created_at")
    )


def has_open_envelopes(ticket: Ticket) -> bool:
    return Envelope.objects.filter(ticket=ticket, status__in=OPEN_ENVELOPE_STATUSES).exists()


def may_accept(user, envelope: Envelope) -> bool:
    """The named agent, or an agent of the envelope's team; never the ticket's owner."""
    if envelope.ticket.owner_id == user.pk:
        return False
    if envelope.agent_id is not None and envelope.agent_id == user.pk:
        return True
    return role_of(user) == Role.AGENT and is_team_member(user, envelope.team)


def lock_envelope(envelope_id) -> Envelope:
    """The envelope row FOR UPDATE. Lock the ticket first (lock_ticket), then the envelope."""
    return Envelope.objects.select_for_update().get(pk=envelope_id)


def envelopes_due_for_rule(*, rule_id: int, statuses, opened_before) -> QuerySet[Envelope]:
    """Open envelopes for which the rule has not fired yet, opened before ``opened_before``
    (None: any age), in one query."""
    fired = EscalationRuleFiring.objects.filter(rule_id=rule_id, envelope=OuterRef("pk"))
    envelopes = Envelope.objects.filter(status__in=statuses, ticket__status__in=OPEN_STATUSES)
    if opened_before is not None:
        envelopes = envelopes.filter(created_at__lte=opened_before)
    return envelopes.filter(~Exists(fired)).order_by("created_at")
