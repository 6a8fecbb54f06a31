"""Analytics over the last N days: trends, team performance, routing outcomes.

Each function runs a fixed number of aggregate queries (grouped in the database), whatever
the number of tickets, and returns plain data that the API serves as JSON or CSV.
"""

from datetime import date, datetime, timedelta

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Sum,
    UUIDField,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.models import AuditLog
from notifications.models import SatisfactionRating
from org.models import Team
from routing.models import AllocationDecision, RoutingEvent
from sla.clocks import State
from tickets.lifecycle import OPEN_STATUSES, TicketStatus
from tickets.models import Ticket, TimeSpent

MAX_DAYS = 365
DEFAULT_DAYS = 30
REOPEN_ACTION = f"ticket.{TicketStatus.IN_PROGRESS}"  # audit rows of moves into in_progress


def window(days: int, now: datetime | None = None) -> tuple[date, datetime]:
    """The first day of the last ``days`` days (today included) and its midnight."""
    today = timezone.localdate(now or timezone.now())
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    return first, start


def _by_day(rows) -> dict[date, int]:
    return {row["day"]: row["n"] for row in rows if row["day"] is not None}


def trends(*, days: int = DEFAULT_DAYS, now: datetime | None = None) -> dict:
    """Tickets created and resolved per day, oldest first, every day present."""
    first, start = window(days, now)
    created = _by_day(
        Ticket.objects.filter(created_at__gte=start)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("*"))
        .order_by()
    )
    resolved = _by_day(
        Ticket.objects.filter(resolved_at__gte=start)
        .annotate(day=TruncDate("resolved_at"))
        .values("day")
        .annotate(n=Count("*"))
        .order_by()
    )
    series = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        series.append(
            {
                "date": day.isoformat(),
                "created": created.get(day, 0),
                "resolved": resolved.get(day, 0),
            }
        )
    return {"days": days, "series": series}


def _hours(value: timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 2) if value is not None else None


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def team_performance(*, days: int = DEFAULT_DAYS, now: datetime | None = None) -> dict:
    """Per team, for tickets created in the window: volume, velocity (resolved, resolved per
    day, average hours to resolve), SLA compliance (met / met + breached among resolved) and
    quality (CSAT average and count, share of resolutions reopened); plus open tickets now and
    the minutes agents logged for the team in the window (dashboard.time_spent per agent)."""
    _, start = window(days, now)
    resolved = Q(resolved_at__isnull=False)
    # A clock starts when its ticket is created (sla.timing), so the clocks of the window's
    # tickets are those started in it: joined by that range, both sides are read from
    # covering indexes, not a million clocks.
    clock = FilteredRelation("sla_clock", condition=Q(sla_clock__started_at__gte=start))
    volume = {
        row["team_id"]: row
        for row in Ticket.objects.filter(created_at__gte=start, team__isnull=False)
        .annotate(clock=clock)
        .values("team_id")
        .annotate(
            created=Count("*"),
            # COUNT of an indexed, never empty column: COUNT(*) takes no filter in Django.
            resolved=Count("created_at", filter=resolved),
            resolution=Avg(
                ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField()),
                filter=resolved,
            ),
            sla_met=Count("created_at", filter=resolved & Q(clock__state=State.MET)),
            sla_breached=Count("created_at", filter=resolved & Q(clock__state=State.BREACHED)),
        )
        .order_by()
    }
    open_now = dict(
        Ticket.objects.filter(status__in=OPEN_STATUSES, team__isnull=False)
        .values_list("team_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    # Rated after their ticket was created: the rating's own time bounds the join.
    csat = {
        row["ticket__team_id"]: row
        for row in SatisfactionRating.objects.filter(
            created_at__gte=start, ticket__created_at__gte=start
        )
        .values("ticket__team_id")
        .annotate(average=Avg("rating"), count=Count("*"))
        .order_by()
    }
    team_of_ticket = Ticket.objects.filter(pk=OuterRef("ticket_id")).values("team_id")[:1]
    reopened = dict(
        AuditLog.objects.filter(
            action=REOPEN_ACTION, data__from=TicketStatus.RESOLVED, at__gte=start
        )
        .annotate(ticket_team=Subquery(team_of_ticket, output_field=UUIDField()))
        .values_list("ticket_team")
        .annotate(n=Count("ticket_id", distinct=True))
        .order_by()
    )
    minutes = dict(
        TimeSpent.objects.filter(created_at__gte=start, team__isnull=False)
        .values_list("team_id")
        .annotate(n=Sum("minutes"))
        .order_by()
    )
    teams = []
    for team in Team.objects.values("id", "name", "status").order_by("name"):
        row = volume.get(team["id"], {})
        rated = csat.get(team["id"], {})
        resolved_count = row.get("resolved", 0)
        met, breached = row.get("sla_met", 0), row.get("sla_breached", 0)
        teams.append(
            {
                "id": str(team["id"]),
                "name": team["name"],
                "status": team["status"],
                "created": row.get("created", 0),
                "resolved": resolved_count,
                "open": open_now.get(team["id"], 0),
                "resolved_per_day": round(resolved_count / days, 2),
                "avg_resolution_hours": _hours(row.get("resolution")),
                "sla_met": met,
                "sla_breached": breached,
                "sla_compliance_rate": _ratio(met, met + breached),
                "csat_average": (
                    round(rated["average"], 2) if rated.get("average") is not None else None
                ),
                "csat_responses": rated.get("count", 0),
                "reopened": reopened.get(team["id"], 0),
                "reopen_rate": _ratio(reopened.get(team["id"], 0), resolved_count),
                "time_spent_minutes": minutes.get(team["id"], 0),
            }
        )
    return {"days": days, "teams": teams}


def routing_outcomes(*, days: int = DEFAULT_DAYS, now: datetime | None = None) -> dict:
    """How routing decided in the window: share by method (rules, affinity, scoring, none),
    average confidence, and re-routes (decisions for tickets routed before)."""
    _, start = window(days, now)
    decisions = AllocationDecision.objects.filter(decided_at__gte=start)
    reroute = Q(event=RoutingEvent.TICKET_UPDATED)
    rows = {
        row["method"]: row
        for row in decisions.values("method")
        .annotate(
            n=Count("*"),
            confidence=Avg("confidence"),
            reroutes=Count("decided_at", filter=reroute),
        )
        .order_by()
    }
    totals = decisions.aggregate(
        confidence=Avg("confidence"),
        rerouted_tickets=Count("ticket", distinct=True, filter=reroute),
    )
    total = sum(row["n"] for row in rows.values())
    by_method = []
    for method in AllocationDecision.Method.values:
        row = rows.get(method, {})
        count = row.get("n", 0)
        by_method.append(
            {
                "method": method,
                "decisions": count,
                "share": _ratio(count, total),
                "average_confidence": (
                    round(row["confidence"], 3) if row.get("confidence") is not None else None
                ),
                "reroutes": row.get("reroutes", 0),
            }
        )
    shares = {row["method"]: row["share"] for row in by_method}
    return {
        "days": days,
        "decisions": total,
        "rules_share": shares[AllocationDecision.Method.RULE],
        "scoring_share": shares[AllocationDecision.Method.SCORING],
        "average_confidence": (
            round(totals["confidence"], 3) if totals["confidence"] is not None else None
        ),
        "reroutes": sum(row["reroutes"] for row in by_method),
        "rerouted_tickets": totals["rerouted_tickets"],
        "by_method": by_method,
    }
