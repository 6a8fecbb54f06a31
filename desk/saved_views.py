"""Saved views of the ticket list: a name for a TicketFilterSet query string, an agent's own
or shared with a team. Who sees which, and the query a view may keep (saving and deleting:
desk.actions.saved_views)."""

from django.db.models import Q, QuerySet
from django.http import QueryDict

from core.exceptions import DomainValidationError
from core.roles import is_manager_or_admin
from desk.filters import TicketFilterSet
from desk.models import SavedTicketView
from org.selectors import team_ids_of
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
