"""``/canned/``: an agent's canned responses and their teams' (managers and admins keep the
teams'), with the forms that create, edit and delete them (each one an action call). A refused
save shows the page again with the field's message."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError, DomainValidationError
from core.roles import is_manager_or_admin
from desk.actions import canned
from desk.canned import may_manage, usable_responses
from desk.pages.common import error_message, error_status, require_staff
from desk.placeholders import PLACEHOLDERS
from org.models import Team


def _page(request: HttpRequest, status: int = 200, **extra) -> HttpResponse:
    user = request.user
    responses = list(usable_responses(user).select_related("owner").order_by("title", "id"))
    for response in responses:
        response.manageable = may_manage(user, response)
    manager = is_manager_or_admin(user)
    context = {
        "responses": responses,
        "teams": list(Team.objects.filter(status=Team.Status.ACTIVE)) if manager else [],
        "placeholders": PLACEHOLDERS,
    } | extra
    return render(request, "desk/canned.html", context, status=status)


def _refused(request: HttpRequest, error: DomainError, **extra) -> HttpResponse:
    fields = error.errors if isinstance(error, DomainValidationError) else {}
    return _page(
        request, error_status(error), error=error_message(error), field_errors=fields, **extra
    )


@login_required
@require_GET
def canned_list(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    return _page(request)


@login_required
@require_POST
def canned_create(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    post = request.POST
    try:
        team = None
        if post.get("team"):
            team = Team.objects.filter(pk=post["team"]).first() if _uuid(post["team"]) else None
            if team is None:
                raise DomainValidationError({"team": ["Pick a team from the list."]})
        canned.create_response(
            actor=request.user, title=post.get("title", ""), body=post.get("body", ""), team=team
        )
    except DomainError as error:
        return _refused(request, error, draft=post)
    return redirect("desk:canned")


@login_required
@require_POST
def canned_edit(request: HttpRequest, response_id: int) -> HttpResponse:
    require_staff(request.user)
    get_object_or_404(usable_responses(request.user), pk=response_id)
    try:
        canned.update_response(
            actor=request.user,
            response_id=response_id,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
        )
    except DomainError as error:
        return _refused(request, error, editing=response_id)
    return redirect("desk:canned")


@login_required
@require_POST
def canned_delete(request: HttpRequest, response_id: int) -> HttpResponse:
    require_staff(request.user)
    get_object_or_404(usable_responses(request.user), pk=response_id)
    try:
        canned.delete_response(actor=request.user, response_id=response_id)
    except DomainError as error:
        return _refused(request, error)
    return redirect("desk:canned")


def _uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
