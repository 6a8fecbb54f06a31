"""Reads for notifications: a user's in-app list, and satisfaction figures for analytics."""

from django.db.models import Avg, Count, Q, QuerySet

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
