"""Reads. ``visible_tickets`` is the one place that decides who sees which ticket; every door
(API, pages, search, websocket, export) starts from it."""

from collections.abc import Callable

from django.db.models import Q, QuerySet

from core.roles import Role, role_of
from org.selectors import team_ids_of
from tickets.models import Attachment, Task, Ticket, TimelineEntry

# Apps above tickets that let an agent see more tickets: each grant takes the user and returns
# a subquery of ticket ids (escalations: the tickets whose envelope the agent holds or may
# accept). Registered from their AppConfig.ready.
_agent_grants: list[Callable[[object], QuerySet]] = []


def grant_agent_access(grant: Callable[[object], QuerySet]) -> None:
    if grant not in _agent_grants:
        _agent_grants.append(grant)


def visible_tickets(user) -> QuerySet[Ticket]:
    role = role_of(user)
    tickets = Ticket.objects.all()
    if role in (Role.ADMIN, Role.MANAGER):
        return tickets
    if role == Role.AGENT:
        # Subqueries rather than joins: no duplicates, so no DISTINCT over the whole list.
        seen = (
            Q(team_id__in=team_ids_of(user))
            | Q(owner=user)
            | Q(id__in=Task.objects.filter(assigned_to=user).values("ticket_id"))
        )
        for grant in _agent_grants:
            seen |= Q(id__in=grant(user))
        return tickets.filter(seen)
    if role == Role.REQUESTER:
        return tickets.filter(requester__user=user)
    return tickets.none()


def visible_timeline(user, ticket: Ticket) -> QuerySet[TimelineEntry]:
    """The main-timeline entries of a ticket the user can already see.

    Requesters get public entries only; staff get public and internal ones. Envelope threads
    (``envelope_only``) are served by the escalations app to the envelope's participants.
    """
    entries = ticket.timeline.select_related("author", "author_contact")
    if role_of(user) == Role.REQUESTER:
        return entries.filter(visibility=TimelineEntry.Visibility.PUBLIC)
    if role_of(user) is None:
        return entries.none()
    return entries.exclude(visibility=TimelineEntry.Visibility.ENVELOPE_ONLY)


def visible_attachments(user) -> QuerySet[Attachment]:
    """Attachments on visible tickets; requesters see the public ones only."""
    attachments = Attachment.objects.filter(ticket__in=visible_tickets(user).values("pk"))
    if role_of(user) == Role.REQUESTER:
        return attachments.filter(visibility=TimelineEntry.Visibility.PUBLIC)
    return attachments


def lock_ticket(ticket_id) -> Ticket:
    """Fetch the ticket row FOR UPDATE: concurrent writers to one ticket queue here. Its team,
    owner and requester (with company: the tier) come in the same query, unlocked."""
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("team", "owner", "requester__company")
        .get(pk=ticket_id)
    )
