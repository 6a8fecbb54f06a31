"""Saved views of the ticket list: a name for a TicketFilterSet query string, an agent's own
or shared with a team. Who sees which, saving one (the query must parse) and deleting one's own."""

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict

from core.exceptions import DomainValidationError, NotPermitted
from core.roles import is_manager_or_admin, is_staff_role
from desk.filters import TicketFilterSet
from desk.models import SavedTicketView
from org.models import Team
from org.selectors import is_team_member, team_ids_of
from tickets.models import Ticket

# Besides the FilterSet's own parameters a saved query may keep the list's sort.
EXTRA_PARAMETERS = frozenset({"sort"})


def visible_saved_views(user) -> QuerySet[SavedTicketView]:
    """One's own views and the views shared with one's teams (every team's for managers and
    admins); another agent's personal view never."""
    views = SavedTicketView.objects.select_related("team", "owner")
    shared = (
        Q(team__isnull=False) if is_manager_or_admin(user) else Q(team_id__in=team_ids_of(user))
    )
    return views.filter(Q(owner=user) | shared)


def clean_query(query: str) -> str:
    """The query string without its page, re-encoded; refused if the FilterSet refuses it."""
    params = QueryDict(query.strip().lstrip("?"), mutable=True)
    params.pop("page", None)
    unknown = sorted(set(params) - set(TicketFilterSet.base_filters) - EXTRA_PARAMETERS)
    if unknown:
        raise DomainValidationError({"query": [f"Unknown filter: {', '.join(unknown)}."]})
    filterset = TicketFilterSet(params, queryset=Ticket.objects.none())
    if not filterset.is_valid():
        problems = [f"{field}: {' '.join(errors)}" for field, errors in filterset.errors.items()]
        raise DomainValidationError({"query": problems})
    return params.urlencode()


@transaction.atomic
def save_ticket_view(*, actor, name: str, query: str, team: Team | None = None) -> SavedTicketView:
    """Save the list's current filters under a name unique among the actor's views; shared with
    ``team`` when given (a member of it, or a manager or admin)."""
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins save ticket views.")
    name = name.strip()[:120]
    if not name:
        raise DomainValidationError({"name": ["Name the view."]})
    cleaned = clean_query(query)
    if len(cleaned) > 1000:
        raise DomainValidationError({"query": ["Too many filters to save."]})
    if team is not None and not (is_manager_or_admin(actor) or is_team_member(actor, team)):
        raise NotPermitted("Views are shared with your own teams only.")
    if SavedTicketView.objects.filter(owner=actor, name__iexact=name).exists():
        raise DomainValidationError({"name": [f"You already have a view named '{name}'."]})
    return SavedTicketView.objects.create(name=name, owner=actor, team=team, query=cleaned)


@transaction.atomic
def delete_ticket_view(*, actor, view_id: int) -> None:
    """Only the one who saved a view deletes it."""
    view = visible_saved_views(actor).get(pk=view_id)
    if view.owner_id != actor.pk:
        raise NotPermitted("Only the one who saved a view deletes it.")
    view.delete()
