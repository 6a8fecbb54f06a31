"""The POSTs of the ticket page's properties sidebar: ``properties/`` (priority, urgency,
impact, category, type, team, through tickets.actions.properties) and ``transfer/`` (a
manager's or admin's transfer of ownership, tickets.actions.ownership). Sent by htmx, a change
answers with the page, of which htmx swaps the sidebar, the header (priority, team, the SLA
re-targeted) and the messages; without JavaScript, with a redirect. A refusal answers with the
page, the message at the top and the field's error in the sidebar, and a 4xx status (htmx
swaps it too: static/js/properties.js)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from core import dispatch
from core.exceptions import DomainError
from desk.pages.common import error_message, error_status, require_role
from desk.pages.detail import _context, _visible_ticket
from desk.pages.sidebar import PropertiesForm, TransferForm
from tickets.actions import ownership
from tickets.actions.properties import edit_properties
from tickets.events import stream_of
from tickets.models import Ticket
from tickets.selectors import visible_tickets


@login_required
@require_POST
def edit(request: HttpRequest, ticket_id) -> HttpResponse:
    require_role(request.user)
    before = _visible_ticket(request.user, ticket_id)
    form = PropertiesForm(request.POST)
    if not form.is_valid():
        return _refused(request, ticket_id, _form_message(form), 400, props_form=form)
    try:
        after = edit_properties(ticket_id=ticket_id, actor=request.user, changes=form.cleaned_data)
    except DomainError as error:
        return _refused(request, ticket_id, error_message(error), error_status(error))
    _settle(ticket_id)
    changed = [_said(before, after, name) for name in form.cleaned_data]
    changed = [line for line in changed if line]
    if changed:
        messages.success(request, f"Saved: {'; '.join(changed)}.")
    else:
        messages.info(request, "Nothing changed.")
    return _answer(request, ticket_id)


@login_required
@require_POST
def transfer(request: HttpRequest, ticket_id) -> HttpResponse:
    require_role(request.user)
    ticket = _visible_ticket(request.user, ticket_id)
    form = TransferForm(request.POST, exclude=ticket.owner_id)
    if not form.is_valid():
        return _refused(request, ticket_id, _form_message(form), 400, transfer_form=form)
    try:
        done = ownership.transfer_ownership(
            ticket_id=ticket_id,
            actor=request.user,
            to_user=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        return _refused(request, ticket_id, error_message(error), error_status(error))
    new_owner = done.owner.get_full_name() or done.owner.get_username()
    messages.success(request, f"{done.reference} now belongs to {new_owner}.")
    # A full page: the transfer wrote a timeline entry the composer must count as seen.
    return _redirect(request, reverse("desk:detail", args=[ticket_id]))


def _settle(ticket_id) -> None:
    """Deliver the ticket's events now (idempotent; the stream's lock keeps the background
    deliverer from doing it twice): the SLA app re-targets the clock, and routing routes a
    ticket sent back to it, on ``ticket.updated``, otherwise a moment after the response, and
    the page would show the old due time."""
    dispatch.drain(stream_of(ticket_id))


def _answer(request: HttpRequest, ticket_id) -> HttpResponse:
    if not visible_tickets(request.user).filter(pk=ticket_id).exists():
        # Moved to a team the agent is not in: the ticket is no longer theirs to see.
        return _redirect(request, reverse("desk:queue"))
    if request.htmx:
        ticket = _visible_ticket(request.user, ticket_id)
        return render(request, "desk/detail.html", _context(request, ticket))
    return redirect("desk:detail", ticket_id=ticket_id)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _refused(request: HttpRequest, ticket_id, message: str, status: int, **forms) -> HttpResponse:
    """Nothing was written: the page again, the message at the top, the form as sent."""
    messages.error(request, f"Nothing saved: {message}")
    ticket = _visible_ticket(request.user, ticket_id)
    context = _context(request, ticket)
    # The form as sent, with its errors, where the viewer has that form at all.
    context |= {name: form for name, form in forms.items() if context.get(name) is not None}
    return render(request, "desk/detail.html", context, status=status)


def _form_message(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = (field.label if field is not None else None) or name.capitalize()
        parts.append(" ".join(errors) if name == "__all__" else f"{label}: {' '.join(errors)}")
    return " ".join(parts)


def _said(before: Ticket, after: Ticket, name: str) -> str:
    old, new = _shown(before, name), _shown(after, name)
    return "" if old == new else f"{name} {old} → {new}"


def _shown(ticket: Ticket, name: str) -> str:
    if name == "team":
        return ticket.team.name if ticket.team_id else "none (routing)"
    display = getattr(ticket, f"get_{name}_display", None)
    return str(display() if display else getattr(ticket, name) or "—")
