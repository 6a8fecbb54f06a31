"""Bulk actions from the ticket list: set priority, route again, close. The first POST shows a
confirmation; the confirmed POST calls the action once per ticket (each its own transaction)
and reports each ticket's outcome."""

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from core.exceptions import DomainError, NotPermitted
from desk.pages.common import error_message, require_staff, ticket_rows
from routing.actions import route
from tickets.actions import lifecycle, updates
from tickets.models import Priority

MAX_TICKETS = 100
ACTIONS = {f"priority:{value}": f"Set priority to {label}" for value, label in Priority.choices}
ACTIONS |= {"route": "Route again", "close": "Close"}


def _run(action: str, ticket, actor) -> None:
    if action.startswith("priority:"):
        updates.update_ticket(
            ticket_id=ticket.pk, actor=actor, changes={"priority": action.split(":", 1)[1]}
        )
    elif action == "route":
        if route.reroute_ticket(ticket_id=ticket.pk, actor=actor) is None:
            raise DomainError("Resolved or closed: not routed.")
    else:
        lifecycle.close_ticket(ticket_id=ticket.pk, actor=actor)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return render(request, "desk/bulk.html", {"error": "Pick an action."}, status=400)
    if action == "route":
        try:
            route.ensure_may_reroute(request.user)
        except NotPermitted as refused:
            raise PermissionDenied(str(refused)) from refused
    ids = [value for value in request.POST.getlist("ticket")[:MAX_TICKETS] if _is_uuid(value)]
    tickets = list(ticket_rows(request.user).filter(pk__in=ids))
    context = {"action": action, "label": ACTIONS[action], "tickets": tickets}
    if not tickets:
        return render(request, "desk/bulk.html", context | {"error": "Select tickets."}, status=400)
    if request.POST.get("confirmed") != "yes":
        return render(request, "desk/bulk.html", context)
    results = []
    for ticket in tickets:
        try:
            _run(action, ticket, request.user)
        except DomainError as error:
            results.append((ticket, error_message(error) or "Refused."))
        else:
            results.append((ticket, ""))
    return render(request, "desk/bulk.html", context | {"results": results})
