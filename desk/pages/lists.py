"""The work queue (``/``), the ticket list (``/tickets/``) and the new-ticket form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError
from core.keyset import BadCursor
from core.paging import LongListPaginator
from core.roles import Role, is_manager_or_admin
from desk import saved_views
from desk.actions import saved_views as view_actions
from desk.filters import TicketFilterSet, order_term
from desk.models import SavedTicketView
from desk.pages.bulk import ACTIONS
from desk.pages.common import (
    error_message,
    require_role,
    require_staff,
    ticket_rows,
)
from desk.pages.filter_widgets import filter_widgets
from desk.pages.list_rows import list_rows, row_reader
from org.models import Team
from org.selectors import team_ids_of
from routing.triage_reads import with_needs_triage
from tickets.search import RANK

PAGE_SIZE = 25
QUEUE_SIZE = 100
# ?sort= values and what they order by (a leading "-" reverses).
SORTS = {
    "priority": ("-priority_score", "created_at"),
    "created": ("created_at",),
    "updated": ("updated_at",),
    "sla_due": ("sla_due",),
    "reference": ("reference",),
    "status": ("status", "-priority_score"),
    "title": ("title",),
}


@login_required
@require_GET
def work_queue(request: HttpRequest) -> HttpResponse:
    """Open tickets of the agent's teams and their own, most urgent first."""
    role = require_role(request.user)
    if role == Role.REQUESTER:
        return redirect("desk:list")
    tickets = with_needs_triage(ticket_rows(request.user).open(), role=role)
    if role == Role.AGENT:
        tickets = tickets.filter(Q(team_id__in=team_ids_of(request.user)) | Q(owner=request.user))
    rows = list_rows(tickets.order_by("-priority_score", "created_at"), QUEUE_SIZE)
    return render(request, "desk/queue.html", {"tickets": rows})


@login_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    """Every visible ticket through the API's FilterSet, sortable, a page at a time."""
    role = require_role(request.user)
    rows = ticket_rows(request.user, listing=True)
    rows = with_needs_triage(rows, role=role)
    filterset = TicketFilterSet(request.GET, queryset=rows, request=request)
    sort = request.GET.get("sort", "priority")
    key = sort.removeprefix("-")
    if key not in SORTS:
        sort, key = "priority", "priority"
    ordering = SORTS[key]
    if sort.startswith("-"):
        ordering = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in ordering)
    if filterset.is_valid():
        tickets = filterset.qs
        if RANK in tickets.query.annotations and "sort" not in request.GET:
            ordering = (f"-{RANK}", *ordering)  # a search is ordered by relevance first
        tickets = tickets.order_by(*(order_term(term) for term in (*ordering, "id")))
    else:
        tickets = rows.none()
    paginator = LongListPaginator(tickets, PAGE_SIZE, rows=row_reader(tickets), keyed=True)
    page, status = _page(request, paginator)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    sortless = query.copy()
    sortless.pop("sort", None)
    return render(
        request,
        "desk/list.html",
        {
            "filterset": filterset,
            "widgets": filter_widgets(filterset.form),
            "page": page,
            "sort": sort,
            "query": query.urlencode(),
            "sortless": sortless.urlencode(),
            "is_requester": role == Role.REQUESTER,
            "bulk_actions": _bulk_actions(request.user, role),
            "saved_views": _saved_views(request.user, role),
            "teams": [] if role == Role.REQUESTER else _teams(request.user),
            "can_see_unrouted": is_manager_or_admin(request.user),
        },
        status=status,
    )


def _page(request: HttpRequest, paginator: LongListPaginator) -> tuple:
    """The page the query asks for: after (or before) a ``cursor`` (the pager's links, when
    the sort has one: a deep page costs what the first does) or by ``page`` number. A cursor
    that cannot be followed gets the first page, a message and 400."""
    cursor = request.GET.get("cursor") or None
    if cursor is None:
        return paginator.get_page(request.GET.get("page")), 200
    try:
        return paginator.cursor_page(cursor), 200
    except BadCursor as error:
        messages.error(request, f"cursor: {error}")
        return paginator.get_page(1), 400


def _saved_views(user, role) -> list[SavedTicketView]:
    if role == Role.REQUESTER:
        return []
    return list(saved_views.visible_saved_views(user))


def _teams(user) -> list[Team]:
    # The filter's and the save form's options show a team's id, slug and name, no more.
    teams = Team.objects.order_by("name").only("id", "slug", "name")
    return list(teams if is_manager_or_admin(user) else teams.filter(id__in=team_ids_of(user)))


@login_required
@require_POST
def save_list_view(request: HttpRequest) -> HttpResponse:
    """Save the list's current filters as a view of one's own or of a team."""
    require_staff(request.user)
    query = request.POST.get("query", "")
    try:
        team = Team.objects.get(pk=request.POST["team"]) if request.POST.get("team") else None
        view = view_actions.save_ticket_view(
            actor=request.user, name=request.POST.get("name", ""), query=query, team=team
        )
    except (Team.DoesNotExist, ValueError, ValidationError):
        messages.error(request, "No such team.")
    except DomainError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, f"Saved the view '{view.name}'.")
        query = view.query
    return redirect(f"{reverse('desk:list')}?{query}")


@login_required
@require_POST
def delete_list_view(request: HttpRequest, view_id: int) -> HttpResponse:
    require_staff(request.user)
    try:
        view_actions.delete_ticket_view(actor=request.user, view_id=view_id)
    except SavedTicketView.DoesNotExist as error:
        raise Http404("No such view.") from error
    except DomainError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, "Deleted the view.")
    return redirect("desk:list")


def _bulk_actions(user, role) -> list[tuple[str, str]]:
    if role == Role.REQUESTER:
        return []
    return [(k, v) for k, v in ACTIONS.items() if k != "route" or is_manager_or_admin(user)]
