"""The kanban board's reads and rules: its columns and swimlanes, the cards a view shows, WIP
limits, and which column a drop may land on. Moving a card and saving a board:
desk.actions.boards."""

from django.core.exceptions import ValidationError
from django.http import QueryDict

from core.exceptions import DomainError, DomainValidationError
from desk.filters import TicketFilterSet
from desk.models import KanbanView
from org.models import Team
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


def drop_target(field: str, to: str) -> tuple[str, Team | None]:
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
