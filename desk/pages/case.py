"""The ticket page's case panel (staff only, loaded by htmx): the ticket's flags, with a form to
add one and a button to take each off, and its repeat contacts (the original ticket on the same
issue and the other contacts about it). The POSTs call the flag service; with htmx they answer
with the panel, without it they go back to the ticket page (or show it with the refusal)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError
from desk.pages.common import error_message, require_staff, ticket_rows
from desk.pages.detail import _refused as refused
from tickets.actions import flags
from tickets.models import CaseFlag, RepeatContact, Ticket
from tickets.selectors import visible_tickets

PANEL = "desk/_case_panel.html"


def _ticket(request: HttpRequest, ticket_id) -> Ticket:
    require_staff(request.user)
    return get_object_or_404(ticket_rows(request.user), pk=ticket_id)


def repeat_contacts(user, ticket: Ticket) -> dict:
    """The issue's original and its repeat contacts (this ticket left out), as far as the user
    may see them; ``hidden`` counts the others. Three queries whatever their number."""
    link = RepeatContact.objects.filter(ticket=ticket).first()
    original_id = link.original_id if link else ticket.pk
    links = list(RepeatContact.objects.filter(original_id=original_id).order_by("created_at"))
    ids = ([original_id] if link else []) + [row.ticket_id for row in links]
    ids = [pk for pk in ids if pk != ticket.pk]
    if not ids:
        return {"is_original": False, "linked": [], "hidden": 0}
    seen = visible_tickets(user).filter(pk__in=ids).only("id", "reference", "title", "status")
    found = seen.in_bulk()
    return {
        "is_original": link is None,
        "linked": [found[pk] for pk in ids if pk in found],
        "original_id": original_id,
        "hidden": len([pk for pk in ids if pk not in found]),
    }


def _panel(request: HttpRequest, ticket: Ticket, *, error: str = "", status: int = 200):
    set_flags = list(ticket.flags.select_related("created_by").order_by("created_at"))
    taken = {flag.kind for flag in set_flags}
    context = {
        "ticket": ticket,
        "flags": set_flags,
        "addable": [(k, label) for k, label in CaseFlag.Kind.choices if k not in taken],
        "repeats": repeat_contacts(request.user, ticket),
        "error": error,
    }
    return render(request, PANEL, context, status=status)


@login_required
@require_GET
def case_panel(request: HttpRequest, ticket_id) -> HttpResponse:
    return _panel(request, _ticket(request, ticket_id))


def _answer(request: HttpRequest, ticket_id, error: DomainError | None) -> HttpResponse:
    ticket = _ticket(request, ticket_id)
    if request.headers.get("HX-Request") == "true":
        # htmx swaps 2xx answers only: the refusal is shown in the panel (role=alert).
        return _panel(request, ticket, error=error_message(error) if error else "")
    if error is None:
        return redirect("desk:detail", ticket_id=ticket_id)
    return refused(request, ticket_id, error)  # the ticket page, with the refusal


@login_required
@require_POST
def add_flag(request: HttpRequest, ticket_id) -> HttpResponse:
    _ticket(request, ticket_id)
    try:
        flags.add_flag(
            ticket_id=ticket_id,
            actor=request.user,
            kind=request.POST.get("kind", ""),
            note=request.POST.get("reason", ""),
        )
    except DomainError as error:
        return _answer(request, ticket_id, error)
    return _answer(request, ticket_id, None)


@login_required
@require_POST
def remove_flag(request: HttpRequest, ticket_id, kind: str) -> HttpResponse:
    _ticket(request, ticket_id)
    try:
        flags.remove_flag(ticket_id=ticket_id, actor=request.user, kind=kind)
    except DomainError as error:
        return _answer(request, ticket_id, error)
    return _answer(request, ticket_id, None)
