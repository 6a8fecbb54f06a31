"""The resolutions section of the agent's ticket page (templates/desk/_resolutions.html, drawn
by the ``resolution_panel`` tag) and the form it posts to."""

from decimal import Decimal, InvalidOperation

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.roles import is_manager_or_admin
from resolutions.actions.resolutions import NewResolution, create_resolution
from resolutions.models import ResolutionType, WhatWentWrong, WhyEligible
from resolutions.pages.common import error_status, field_errors, require_staff
from resolutions.selectors import deciding_limits, ticket_resolutions
from tickets.models import Ticket
from tickets.selectors import visible_tickets

FIELDS = (
    "what_went_wrong",
    "what_went_wrong_text",
    "why_eligible",
    "why_eligible_text",
    "type",
    "amount",
    "currency",
)


def panel_context(user, ticket: Ticket, *, form=None, errors=None) -> dict:
    """What the section shows: the ticket's resolutions (one query) and, for its owner or a
    manager, the form with the team's limits."""
    _, limits = deciding_limits(ticket)
    may_create = ticket.owner_id is not None and (
        ticket.owner_id == user.pk or is_manager_or_admin(user)
    )
    return {
        "ticket": ticket,
        "resolutions": list(ticket_resolutions(ticket)),
        "may_create": may_create,
        "limits": limits,
        "form": form or {"currency": limits.currency or ""},
        "errors": errors or {},
        "what_went_wrong_choices": WhatWentWrong.choices,
        "why_eligible_choices": WhyEligible.choices,
        "type_choices": ResolutionType.choices,
    }


def _decimal(text: str):
    try:
        return Decimal(text.strip() or "0")
    except InvalidOperation:
        return text  # the action names it: "A decimal amount is required"


@require_POST
def create(request: HttpRequest, ticket_id) -> HttpResponse:
    require_staff(request.user)
    ticket = get_object_or_404(visible_tickets(request.user), pk=ticket_id)
    form = {name: request.POST.get(name, "")[:5000] for name in FIELDS}
    data = NewResolution(
        what_went_wrong=form["what_went_wrong"],
        what_went_wrong_text=form["what_went_wrong_text"],
        why_eligible=form["why_eligible"],
        why_eligible_text=form["why_eligible_text"],
        type=form["type"],
        amount=_decimal(form["amount"]),
        currency=form["currency"].strip(),
    )
    try:
        create_resolution(actor=request.user, ticket_id=ticket.pk, data=data)
    except DomainError as error:
        context = panel_context(request.user, ticket, form=form, errors=field_errors(error))
        return render(request, "resolutions/ticket_form.html", context, status=error_status(error))
    return HttpResponseRedirect(reverse("desk:detail", args=[ticket.pk]) + "#resolutions")
