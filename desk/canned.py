"""Reads of canned responses: which an agent may insert (their own and their teams'; managers
and admins every team's) and which they may change (their own; team ones: managers and
admins, who lead the teams)."""

from django.db.models import Q, QuerySet

from core.roles import is_manager_or_admin, is_staff_role
from desk.models import CannedResponse
from org.selectors import team_ids_of


def usable_responses(user) -> QuerySet[CannedResponse]:
    if not is_staff_role(user):
        return CannedResponse.objects.none()
    shared = Q(team__isnull=False) if is_manager_or_admin(user) else Q(team__in=team_ids_of(user))
    return CannedResponse.objects.filter(Q(owner=user) | shared).select_related("team")


def may_manage(user, response: CannedResponse) -> bool:
    if response.team_id is not None:
        return is_manager_or_admin(user)
    return response.owner_id == user.pk
