"""The metrics the scorers measure on resolved tickets, per team and category (velocity and
SLA compliance), refreshed by beat; used instead of a team's baseline once there are enough."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from routing.models import DEFAULT_WEIGHTS, TeamMetrics
from routing.snapshots import RoutingConfig
from tickets.models import Ticket


@transaction.atomic
def refresh_team_metrics(*, now=None, days: int = 180) -> int:
    """Measure, per team and category, the resolved tickets of the last ``days``: how many,
    mean resolution hours, and the share resolved within their priority's target hours.
    Returns the number of (team, category) rows written."""
    now = now or timezone.now()
    targets = RoutingConfig(weights=dict(DEFAULT_WEIGHTS)).target_hours
    totals: dict[tuple, list[float]] = {}
    resolved = Ticket.objects.filter(
        team__isnull=False, resolved_at__isnull=False, resolved_at__gte=now - timedelta(days=days)
    ).values_list("team_id", "category", "priority", "created_at", "resolved_at")
    for team_id, category, priority, created, done in resolved.order_by().iterator(2000):
        hours = max(0.0, (done - created).total_seconds() / 3600)
        entry = totals.setdefault((team_id, category.strip().lower()), [0, 0.0, 0])
        entry[0] += 1
        entry[1] += hours
        entry[2] += hours <= targets.get(priority, 24.0)
    TeamMetrics.objects.all().delete()
    TeamMetrics.objects.bulk_create(
        TeamMetrics(
            team_id=team_id,
            category=category,
            resolved_count=count,
            avg_resolution_time_hours=round(hours / count, 3),
            sla_compliance_rate=round(met / count, 4),
        )
        for (team_id, category), (count, hours, met) in totals.items()
    )
    return len(totals)
