"""``/tickets/<uuid>/reply/``: the requester's reply with files (multipart), written by
tickets.actions.portal in one transaction. A refusal renders the ticket page again with the
reason, the draft kept, and nothing written."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from core.exceptions import DomainError, DomainValidationError
from desk.pages.common import require_role, ticket_rows
from desk.pages.detail import _refused
from desk.portal.forms import ReplyForm
from tickets.actions import portal


@login_required
@require_POST
def reply(request: HttpRequest, ticket_id) -> HttpResponse:
    require_role(request.user)
    get_object_or_404(ticket_rows(request.user), pk=ticket_id)  # 404 before any rule
    form = ReplyForm(request.POST, request.FILES)
    draft = request.POST.get("content", "")
    if not form.is_valid():
        problems = {field: list(errors) for field, errors in form.errors.items()}
        return _refused(request, ticket_id, DomainValidationError(problems), draft=draft)
    try:
        portal.reply_with_files(
            ticket_id=ticket_id,
            actor=request.user,
            content=form.cleaned_data["content"],
            uploads=form.cleaned_data["files"],
        )
    except DomainError as error:
        return _refused(request, ticket_id, error, draft=draft)
    return redirect("desk:detail", ticket_id=ticket_id)
