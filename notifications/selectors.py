"""Reads for notifications: a user's in-app list, and satisfaction figures for analytics."""

from django.db.models import Avg, Count, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from notifications.models import Notification, SatisfactionRating


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("ticket")


def csat_summary(tickets: QuerySet) -> dict:
    """Count, average and share of 4-5 ratings over the given tickets (e.g. visible_tickets)."""
    figures = SatisfactionRating.objects.filter(ticket__in=tickets.values("pk")).aggregate(
        count=Count("pk"),
        average=Avg("rating"),
        satisfied=Count("pk", filter=Q(rating__gte=4)),
    )
    count = figures["count"]
    return {
        "count": count,
        "average": round(figures["average"], 2) if count else None,
        "satisfied_rate": round(figures["satisfied"] / count, 3) if count else None,
    }


def unread_of(user_id) -> int:
    """How many of the user's notifications are unread (notif_user_unread_idx)."""
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()


def unread_count(user_ref) -> Coalesce:
    """The number of unread notifications of the user ``user_ref`` points at (an OuterRef or
    an id), as an expression to annotate with: read from notif_user_unread_idx."""
    unread = (
        Notification.objects.filter(user_id=user_ref, read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(unread), 0)
