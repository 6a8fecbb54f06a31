"""Moving a card and saving a board. A move is one of the lifecycle actions (accept, wait,
resume, resolve, reopen) or a priority or team change through update_ticket, checked against
the column's WIP limit first; agent columns take no drops (ownership changes by accept and
transfer only); nothing here writes a ticket itself."""

from django.db import transaction

from core.exceptions import DomainValidationError, InvalidTransition, NotPermitted
from desk.boards import (
    S,
    WipLimitReached,
    board_tickets,
    card_value,
    drop_target,
    wip_verdict,
)
from desk.models import KanbanView
from org.models import Team
from org.selectors import is_team_member
from tickets.actions import lifecycle, ownership, updates
from tickets.models import Ticket
from tickets.selectors import visible_tickets


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
    past a hard limit and the actions' errors for moves the lifecycle refuses."""
    label, team = drop_target(view.column_field, to)
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
