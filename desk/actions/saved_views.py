"""Saving the list's filters under a name (one's own, or shared with one's team) and deleting
one's own view."""

from django.db import transaction

from core.exceptions import DomainValidationError, NotPermitted
from core.roles import is_manager_or_admin, is_staff_role
from desk.models import SavedTicketView
from desk.saved_views import clean_query, visible_saved_views
from org.models import Team
from org.selectors import is_team_member


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
