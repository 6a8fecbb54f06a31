"""The kanban board's rules: its columns and swimlanes, WIP limits, and what dropping a card on a
column means. A move is one of the lifecycle services (accept, wait, resume, resolve, reopen) or
a priority or team change through update_ticket; agent columns take no drops (ownership changes
by accept and transfer only); nothing here writes a ticket itself."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict

from core.exceptions import DomainError, DomainValidationError, InvalidTransition, NotPermitted
from desk.filters import TicketFilterSet
from desk.models import KanbanView
from org.models import Team
from org.selectors import is_team_member
from tickets.actions import lifecycle, ownership, updates
from tickets.lifecycle import TicketStatus
from tickets.models import Priority, Ticket
from tickets.selectors import visible_tickets

S = TicketStatus
STATUS_COLUMNS = (S.NEW, S.IN_PROGRESS, S.ESCALATED, S.WAITING, S.RESOLVED)
PRIORITY_COLUMNS = (Priority.CRITICAL, Priority.HIGH, Priority.MEDIUM, Priority.LOW)


class WipLimitReached(DomainError):
    """A hard WIP limit refuses one more card in the column (409)."""


NONE = "none"  # the column or lane of cards without a team or an owner
DYNAMIC_FIELDS = (KanbanView.ColumnField.TEAM, KanbanView.ColumnField.OWNER)


def columns(column_field: str) -> list[tuple[str, str]]:
    """The fixed columns of a status or priority board; team and agent boards have none fixed
    (see grouping)."""
    if column_field in DYNAMIC_FIELDS:
        return []
    choices = dict(S.choices) if column_field == "status" else dict(Priority.choices)
    values = STATUS_COLUMNS if column_field == "status" else PRIORITY_COLUMNS
    return [(value, choices[value]) for value in values]


def card_value(ticket: Ticket, field: str) -> str:
    """The column (or lane) value of a card on a board grouped by ``field``."""
    if field == KanbanView.ColumnField.TEAM:
        return str(ticket.team_id) if ticket.team_id else NONE
    if field == KanbanView.ColumnField.OWNER:
        return str(ticket.owner_id) if ticket.owner_id else NONE
    return getattr(ticket, field)


def grouping(field: str, cards, teams=()) -> list[tuple[str, str]]:
    """The columns or lanes (value, label) of a board grouped by ``field``: the fixed ones, or
    for team and agent the teams given (the viewer's) and those and the owners of the cards,
    by name, then one for cards without. No query: the cards carry their team and owner."""
    if field not in DYNAMIC_FIELDS:
        return columns(field)
    found = {}
    if field == KanbanView.ColumnField.TEAM:
        found.update((str(team.pk), team.name) for team in teams)
    for card in cards:
        related = card.team if field == KanbanView.ColumnField.TEAM else card.owner
        if related is not None:
            found[str(related.pk)] = (
                related.name if field == KanbanView.ColumnField.TEAM else related.get_username()
            )
    groups = sorted(found.items(), key=lambda item: (item[1].lower(), item[0]))
    if any(card_value(card, field) == NONE for card in cards):
        groups.append((NONE, "No team" if field == KanbanView.ColumnField.TEAM else "Unowned"))
    return groups


def _target(field: str, to: str) -> tuple[str, Team | None]:
    """The label of the column a card is dropped on (and its team on a team board)."""
    if field == KanbanView.ColumnField.OWNER:
        raise DomainValidationError(
            {"to": ["Ownership changes only by accepting or transferring the ticket."]}
        )
    if field == KanbanView.ColumnField.TEAM:
        team = None
        if to != NONE:
            try:
                team = Team.objects.filter(pk=to).first()
            except (ValueError, ValidationError):
                team = None
        if team is None:
            raise DomainValidationError({"to": ["Drop the card on a team's column."]})
        return team.name, team
    label = dict(columns(field)).get(to)
    if label is None:
        raise DomainValidationError({"to": ["No such column on this board."]})
    return label, None


def wip_verdict(*, limit: int | None, count: int, mode: str) -> str:
    """ "ok", "warn" (soft limit reached) or "refuse" (hard limit reached), for one more card
    in a column holding ``count``."""
    if limit is None or count + 1 <= limit:
        return "ok"
    return "refuse" if mode == KanbanView.WipMode.HARD else "warn"


def board_tickets(*, user, view: KanbanView, request=None):
    """The tickets a view shows to this user: visible ones through the shared FilterSet."""
    filterset = TicketFilterSet(
        QueryDict(view.filters), queryset=visible_tickets(user), request=request
    )
    tickets = filterset.qs if filterset.is_valid() else visible_tickets(user).none()
    if view.column_field == KanbanView.ColumnField.STATUS:
        tickets = tickets.filter(status__in=STATUS_COLUMNS)
    return tickets


def _status_move(*, ticket: Ticket, actor, to: str, resolution: str) -> None:
    current = ticket.status
    if to == S.ESCALATED:
        raise DomainValidationError(
            {"status": ["Escalate from the ticket page by opening an envelope."]}
        )
    if current == S.NEW and to == S.IN_PROGRESS:
        ownership.accept_ticket(ticket_id=ticket.pk, actor=actor)
    elif current == S.IN_PROGRESS and to == S.WAITING:
        lifecycle.wait_ticket(ticket_id=ticket.pk, actor=actor)
    elif current == S.WAITING and to == S.IN_PROGRESS:
        lifecycle.resume_ticket(ticket_id=ticket.pk, actor=actor)
    elif current in (S.IN_PROGRESS, S.ESCALATED) and to == S.RESOLVED:
        lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=actor, resolution=resolution)
    elif current == S.RESOLVED and to == S.IN_PROGRESS:
        lifecycle.reopen_ticket(ticket_id=ticket.pk, actor=actor)
    else:
        raise InvalidTransition(current, to)


@transaction.atomic
def move_card(*, ticket_id, actor, view: KanbanView, to: str, resolution: str = "") -> str:
    """Drop a card on a column. Returns "" or a soft-limit warning; raises WipLimitReached
    past a hard limit and the services' errors for moves the lifecycle refuses."""
    label, team = _target(view.column_field, to)
    ticket = visible_tickets(actor).get(pk=ticket_id)
    if card_value(ticket, view.column_field) == to:
        return ""
    limit = view.wip_limits.get(to)
    in_column = {"team": team} if team is not None else {view.column_field: to}
    count = board_tickets(user=actor, view=view).filter(**in_column).count()
    verdict = wip_verdict(limit=limit, count=count, mode=view.wip_mode)
    if verdict == "refuse":
        raise WipLimitReached(f"WIP limit reached: '{label}' holds {count} of {limit} cards.")
    if view.column_field == KanbanView.ColumnField.STATUS:
        _status_move(ticket=ticket, actor=actor, to=to, resolution=resolution)
    elif team is not None:
        updates.update_ticket(ticket_id=ticket.pk, actor=actor, changes={"team": team})
    else:
        updates.update_ticket(ticket_id=ticket.pk, actor=actor, changes={"priority": to})
    if verdict == "warn":
        return f"Over the WIP limit: '{label}' now holds {count + 1} cards (limit {limit})."
    return ""


@transaction.atomic
def save_view(
    *,
    actor,
    name: str,
    column_field: str,
    wip_limits: dict[str, int],
    wip_mode: str,
    sort: str,
    filters: str,
    team: Team | None = None,
    swimlane_field: str = "",
) -> KanbanView:
    """A board of one's own, or (team given) one shared with a team the actor belongs to."""
    errors = {}
    if not name.strip():
        errors["name"] = ["Name the view."]
    if column_field not in KanbanView.ColumnField.values:
        errors["column_field"] = ["Status, priority, team or agent."]
    if swimlane_field not in KanbanView.Swimlane.values:
        errors["swimlane_field"] = ["None, priority, team or agent."]
    elif swimlane_field and swimlane_field == column_field:
        errors["swimlane_field"] = ["Swimlanes by another field than the columns."]
    if wip_mode not in KanbanView.WipMode.values:
        errors["wip_mode"] = ["Soft or hard."]
    if sort not in KanbanView.Sort.values:
        errors["sort"] = ["Priority, created or SLA due."]
    if any(limit < 1 for limit in wip_limits.values()):
        errors["wip_limits"] = ["A WIP limit is at least 1."]
    if errors:
        raise DomainValidationError(errors)
    if team is not None and not is_team_member(actor, team):
        raise NotPermitted("Views are shared with your own teams only.")
    return KanbanView.objects.create(
        name=name.strip()[:120],
        owner=None if team else actor,
        team=team,
        column_field=column_field,
        swimlane_field=swimlane_field,
        wip_limits=wip_limits,
        wip_mode=wip_mode,
        sort=sort,
        filters=filters[:1000],
    )
