"""``/tickets/new/``: requesters open a ticket for themselves (category, urgency, files) and
see knowledge-base articles that may already answer it while they type (kb.views.suggest_fragment,
through static/js/portal.js); staff open one for a requester's e-mail."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.exceptions import DomainError, DomainValidationError
from core.roles import Role
from desk.pages.common import error_message, error_status, require_role
from desk.portal.forms import NewTicketForm
from tickets.actions import portal
from tickets.actions.creation import NewTicket
from tickets.models import TicketType
from tickets.selectors import visible_tickets


@login_required
@require_http_methods(["GET", "POST"])
def ticket_create(request: HttpRequest) -> HttpResponse:
    is_requester = require_role(request.user) == Role.REQUESTER
    form = NewTicketForm(request.POST or None, request.FILES or None, requester=is_requester)
    error, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                ticket = portal.file_ticket(
                    actor=request.user,
                    data=_new_ticket(request, form.cleaned_data, is_requester),
                    uploads=form.cleaned_data["files"],
                )
            except DomainValidationError as failure:
                _to_fields(form, failure)
            except DomainError as failure:
                error, status = error_message(failure), error_status(failure)
            else:
                if not visible_tickets(request.user).filter(pk=ticket.pk).exists():
                    # Staff outside the team it went to: it is created, just not theirs to see.
                    return redirect(f"{reverse('desk:list')}?q={ticket.reference}")
                return redirect("desk:detail", ticket_id=ticket.pk)
    context = {"form": form, "error": error, "is_requester": is_requester}
    return render(request, "desk/create.html", context, status=status)


def _new_ticket(request: HttpRequest, data: dict, is_requester: bool) -> NewTicket:
    return NewTicket(
        title=data["title"],
        description=data["description"],
        type=data["type"] or TicketType.INCIDENT,
        category=data["category"],
        urgency=data["urgency"],
        requester_email=request.user.contact.email if is_requester else data["email"],
        source="portal" if is_requester else "web",
    )


# The actions' field names that the form calls otherwise.
FIELD_NAMES = {"file": "files", "requester_email": "email", "requester.email": "email"}


def _to_fields(form: NewTicketForm, failure: DomainValidationError) -> None:
    for name, problems in failure.errors.items():
        field = FIELD_NAMES.get(name, name)
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
