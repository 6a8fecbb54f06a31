"""Reads. ``visible_tickets`` is the one place that decides who sees which ticket; every door
(API, pages, search, websocket, export) starts from it."""

from collections.abc import Callable

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.defaultfilters import pluralize

from core.branches import AnyOf, filter_any
from core.roles import Role, role_of
from org.selectors import team_ids_of
from tickets.models import Attachment, Contact, Task, Ticket, TimelineEntry

# Apps above tickets that let an agent see more tickets: each grant takes the user and returns
# a subquery of ticket ids (escalations: the tickets whose envelope the agent holds or may
# accept). Registered from their AppConfig.ready.
_agent_grants: list[Callable[[object], QuerySet]] = []


def grant_agent_access(grant: Callable[[object], QuerySet]) -> None:
    if grant not in _agent_grants:
        _agent_grants.append(grant)


def visible_tickets(user, *, resolved: bool = False) -> QuerySet[Ticket]:
    """``resolved``: an agent's teams and granted tickets are read first (one query) and the
    list is filtered by their ids. For long lists: the planner then estimates the visible share
    from the column statistics and walks the list's indexes, where the subqueries' share is a
    guess (ten times too high at a million tickets) that makes it scan the table."""
    role = role_of(user)
    tickets = Ticket.objects.all()
    if role in (Role.ADMIN, Role.MANAGER):
        return tickets
    if role == Role.AGENT:
        if resolved:  # its branches kept apart: a deep page merges their walks (core.paging)
            return filter_any(tickets, _agent_scope_ids(user), kind=AgentScope)
        return tickets.filter(_agent_scope(user))
    if role == Role.REQUESTER:
        return tickets.filter(requester__user=user)
    return tickets.none()


class AgentScope(AnyOf):
    """An agent's teams, owned and granted tickets. In the list's default order each branch is
    an index walk (ticket_team_order_idx and ticket_owner_order_idx, tickets.indexes; the
    granted ids are few, read by key): a deep page reads them merged (core.branches)."""

    orderings = (("-priority_score", "created_at", "pk"),)


def _agent_scope(user) -> Q:
    # Subqueries rather than joins: no duplicates, so no DISTINCT over the whole list.
    seen = Q(team_id__in=team_ids_of(user)) | Q(owner=user) | Q(id__in=_task_ticket_ids(user))
    for grant in _agent_grants:
        seen |= Q(id__in=grant(user))
    return seen


def _task_ticket_ids(user) -> QuerySet:
    return Task.objects.filter(assigned_to=user).values("ticket_id")


def _agent_scope_ids(user) -> list[Q]:
    """The same scope as ``_agent_scope``, its subqueries read in one query (a UNION), as
    its branches (OR'd)."""
    team, granted = 1, 2
    parts = [
        team_ids_of(user).values_list(Value(team), "team_id"),
        _task_ticket_ids(user).values_list(Value(granted), "ticket_id"),
    ]
    parts += [
        Ticket.objects.filter(id__in=grant(user)).values_list(Value(granted), "id")
        for grant in _agent_grants
    ]
    parts = [part.order_by() for part in parts]  # SQLite refuses ORDER BY inside a UNION
    rows = list(parts[0].union(*parts[1:], all=True))
    team_ids = [value for kind, value in rows if kind == team]
    ticket_ids = [value for kind, value in rows if kind == granted]
    return [Q(team_id__in=team_ids), Q(owner=user), Q(id__in=ticket_ids)]


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


def lock_tickets(ticket_ids) -> dict:
    """``lock_ticket`` for many, in one query (rows locked in id order, the order every batch
    takes them in, so two batches do not wait on each other crosswise); keyed by id. Raises
    Ticket.DoesNotExist when one is missing."""
    ids = list(dict.fromkeys(ticket_ids))
    rows = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("team", "owner", "requester__company")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    found = {ticket.pk: ticket for ticket in rows}
    missing = [ticket_id for ticket_id in ids if _as_pk(ticket_id) not in found]
    if missing:
        raise Ticket.DoesNotExist(f"No ticket {missing[0]}.")
    return {ticket_id: found[_as_pk(ticket_id)] for ticket_id in ids}


def _as_pk(value):
    return Ticket._meta.pk.to_python(value)


def open_owned_count(user_path: str):
    """The open tickets the user at ``user_path`` (an OuterRef path) owns, as a subquery
    expression: an agent's current load (registered with org.selectors.count_agent_load)."""
    owned = (
        Ticket.objects.open()
        .filter(owner_id=OuterRef(user_path))
        .order_by()
        .values("owner_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(owned, output_field=IntegerField()), 0)


CATEGORY_SUGGESTIONS = 300


def categories_in_use() -> list[str]:
    """The distinct ticket categories (registered with org.selectors.suggest_categories)."""
    categories = (
        Ticket.objects.exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )
    return list(categories[:CATEGORY_SUGGESTIONS])


CONTACT_HAS_ADDRESS = "A requester (contact) has this e-mail address."


def contact_address_reason(email: str) -> str:
    """Why no login may take this address (a contact has it, in any case), or "". Registered
    with org (org.selectors.hold_addresses), which stands below tickets."""
    return CONTACT_HAS_ADDRESS if Contact.objects.filter(email__iexact=email).exists() else ""


def tickets_of_teams(teams) -> dict[object, list[str]]:
    """How many tickets each team holds (one query): a team with tickets is set inactive, not
    deleted (they would lose their team). Registered with org (org.selectors.use_teams)."""
    rows = (
        Ticket.objects.filter(team__in=[team.pk for team in teams])
        .values("team")
        .annotate(count=Count("pk"))
        .values_list("team", "count")
    )
    return {team_id: [f"{count} ticket{pluralize(count)}"] for team_id, count in rows}
