"""What the ticket page adds for staff around the composer: the canned responses to pick from,
each entry's minutes and the ticket's total. Two queries; none for requesters."""

from django.db.models import Sum

from core.roles import is_staff_role
from desk.canned import usable_responses
from tickets.models import TimeSpent


def composer_context(user, ticket, timeline: list) -> dict:
    """What the composer and the timeline show for staff: the canned responses to pick from,
    each entry's minutes and the ticket's total (two queries; none for requesters)."""
    if not is_staff_role(user):
        return {}
    spent = dict(
        TimeSpent.objects.filter(ticket=ticket).values_list("entry_id").annotate(m=Sum("minutes"))
    )
    for entry in timeline:
        entry.minutes = spent.get(entry.pk)
    return {
        "time_total": sum(spent.values()),
        "canned_responses": list(usable_responses(user).order_by("title", "id")),
    }
