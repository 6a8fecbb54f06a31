"""``/board/``: the kanban board of a saved view (or the default status board), card moves and
saving a view. Moves go through desk.actions.boards.move_card, which calls the lifecycle actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError
from core.roles import is_manager_or_admin
from desk import boards
from desk.actions import boards as board_actions
from desk.models import KanbanView
from desk.pages.common import error_message, error_status, require_staff, with_sla
from org.models import Team
from org.selectors import team_ids_of
from tickets.models import Ticket

BOARD_SIZE = 300
ORDER = {
    KanbanView.Sort.PRIORITY: ("-priority_score", "created_at"),
    KanbanView.Sort.CREATED: ("created_at",),
    KanbanView.Sort.SLA_DUE: (F("sla_due").asc(nulls_last=True), "created_at"),
}


def _views(user):
    views = KanbanView.objects.select_related("team", "owner")
    if is_manager_or_admin(user):
        return views
    return views.filter(Q(owner=user) | Q(team_id__in=team_ids_of(user)))


def _selected(request: HttpRequest) -> KanbanView:
    view_id = request.GET.get("view") or request.POST.get("view")
    if not view_id:
        return KanbanView(name="All my tickets by status", owner=request.user)
    try:
        return _views(request.user).get(pk=int(view_id))
    except (KanbanView.DoesNotExist, ValueError) as error:
        raise Http404("No such board.") from error


def _board(request: HttpRequest, view: KanbanView, error: str = "", status: int = 200):
    tickets = boards.board_tickets(user=request.user, view=view, request=request)
    tickets = tickets.select_related("owner", "team", "sla_clock__policy").order_by(
        *ORDER[view.sort], "id"
    )
    cards = with_sla(tickets[:BOARD_SIZE])
    teams = list(Team.objects.filter(id__in=team_ids_of(request.user)).order_by("name"))
    choices = boards.grouping(view.column_field, cards, teams)
    lanes = []
    if view.swimlane_field:
        for value, label in boards.grouping(view.swimlane_field, cards, teams):
            held = [card for card in cards if boards.card_value(card, view.swimlane_field) == value]
            lanes.append({"value": value, "label": label, "columns": _columns(view, choices, held)})
    context = {
        "view": view,
        "views": list(_views(request.user)),
        "columns": _columns(view, choices, cards),
        "lanes": lanes,
        "choices": choices,
        "droppable": view.column_field != KanbanView.ColumnField.OWNER,
        "error": error,
        "teams": teams,
        "column_fields": KanbanView.ColumnField.choices,
        "swimlanes": KanbanView.Swimlane.choices,
        "sorts": KanbanView.Sort.choices,
        "modes": KanbanView.WipMode.choices,
    }
    return render(request, "desk/board.html", context, status=status)


def _columns(view: KanbanView, choices, cards) -> list[dict]:
    columns = []
    for value, label in choices:
        held = [card for card in cards if boards.card_value(card, view.column_field) == value]
        limit = view.wip_limits.get(value)
        columns.append(
            {
                "value": value,
                "label": label,
                "cards": held,
                "limit": limit,
                "over": limit is not None and len(held) > limit,
                "full": limit is not None and len(held) >= limit,
            }
        )
    return columns


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    return _board(request, _selected(request))


@login_required
@require_POST
def move(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    view = _selected(request)
    try:
        warning = board_actions.move_card(
            ticket_id=request.POST.get("ticket"),
            actor=request.user,
            view=view,
            to=request.POST.get("to", ""),
            resolution=request.POST.get("resolution", ""),
        )
    except (Ticket.DoesNotExist, ValueError) as error:
        raise Http404("No such ticket.") from error
    except DomainError as error:
        return _board(request, view, error=error_message(error), status=error_status(error))
    if warning:
        messages.warning(request, warning)
    else:
        messages.success(request, "Moved.")
    return redirect(_url(view))


@login_required
@require_POST
def save_view(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    post = request.POST
    column_field = post.get("column_field", "status")
    limits = {}
    try:
        for value, _label in boards.columns(column_field):
            raw = post.get(f"wip_{value}", "").strip()
            if raw:
                limits[value] = int(raw)
        team = Team.objects.get(pk=post["team"]) if post.get("team") else None
        view = board_actions.save_view(
            actor=request.user,
            name=post.get("name", ""),
            column_field=column_field,
            wip_limits=limits,
            wip_mode=post.get("wip_mode", "soft"),
            sort=post.get("sort", "priority"),
            filters=post.get("filters", ""),
            team=team,
            swimlane_field=post.get("swimlane_field", ""),
        )
    except (ValueError, Team.DoesNotExist):
        return _board(
            request, _selected(request), error="Check the WIP limits and team.", status=400
        )
    except DomainError as error:
        return _board(
            request, _selected(request), error=error_message(error), status=error_status(error)
        )
    return redirect(_url(view))


def _url(view: KanbanView) -> str:
    base = reverse("desk:board")
    return f"{base}?view={view.pk}" if view.pk else base
