"""Writing canned responses: an agent's own, or (managers and admins) a team's. The body's
placeholders are checked on every save (desk.placeholders): unknown names and template tags
are refused with the field's message. Each write leaves an audit row."""

from django.db import transaction

from core.audit import record_audit
from core.exceptions import DomainValidationError, NotPermitted
from core.roles import is_manager_or_admin, is_staff_role
from desk.canned import may_manage
from desk.models import CannedResponse
from desk.placeholders import problems
from org.models import Team

MAX_BODY = 10_000


def _clean(title: str, body: str) -> tuple[str, str]:
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ["Give the response a title."]
    elif len(title) > 120:
        errors["title"] = ["At most 120 characters."]
    body = (body or "").strip()
    if not body:
        errors["body"] = ["Write the response."]
    elif len(body) > MAX_BODY:
        errors["body"] = [f"At most {MAX_BODY} characters."]
    elif found := problems(body):
        errors["body"] = found
    if errors:
        raise DomainValidationError(errors)
    return title, body


def _audit(actor, verb: str, response: CannedResponse) -> None:
    record_audit(
        actor=actor,
        action=f"canned_response.{verb}",
        data={
            "response": response.pk,
            "title": response.title,
            "team": str(response.team_id) if response.team_id else None,
            "owner": response.owner_id,
        },
    )


@transaction.atomic
def create_response(*, actor, title: str, body: str, team: Team | None = None) -> CannedResponse:
    """The actor's own response, or ``team``'s (managers and admins)."""
    if not is_staff_role(actor):
        raise NotPermitted("Only the service desk keeps canned responses.")
    if team is not None and not is_manager_or_admin(actor):
        raise NotPermitted("Only managers and admins keep a team's canned responses.")
    title, body = _clean(title, body)
    response = CannedResponse.objects.create(
        title=title,
        body=body,
        team=team,
        owner=None if team is not None else actor,
        created_by=actor,
    )
    _audit(actor, "created", response)
    return response


def _locked(actor, response_id) -> CannedResponse:
    response = CannedResponse.objects.select_for_update().filter(pk=response_id).first()
    if response is None:
        raise DomainValidationError({"response": ["No such canned response."]})
    if not may_manage(actor, response):
        raise NotPermitted("You may change your own responses; team ones are for managers.")
    return response


@transaction.atomic
def update_response(*, actor, response_id, title: str, body: str) -> CannedResponse:
    response = _locked(actor, response_id)
    response.title, response.body = _clean(title, body)
    response.save(update_fields=["title", "body", "updated_at"])
    _audit(actor, "updated", response)
    return response


@transaction.atomic
def delete_response(*, actor, response_id) -> None:
    response = _locked(actor, response_id)
    _audit(actor, "deleted", response)
    response.delete()
