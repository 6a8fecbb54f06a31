"""The KPI snapshot: the service desk as it is now, in seven aggregate queries whatever the
number of tickets (no per-ticket Python), cached for a few seconds and invalidated by every
published event (dashboard.realtime).

Each query is shaped to use an index at scale (docs/benchmarks.md: 1,000,000 tickets): open
tickets by status (``status IN``, which also yields the oldest new ticket's creation time,
then looked up by equality), SLA clocks by ``state``, tickets created in the averaging window
by ``created_at``, resolutions by the audit log's ``at``, envelopes by ``status``. The open
tickets and the open clocks are counted from partial indexes alone (``COUNT(*)``: no column
outside the index), not from their rows.
"""

import hashlib
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
)
from django.utils import timezone

from core.models import AuditLog
from escalations.lifecycle import OPEN_ENVELOPE_STATUSES, EnvelopeStatus
from escalations.models import Envelope
from org.models import Team
from sla.clocks import State
from sla.models import SLAClock
from tickets.lifecycle import OPEN_STATUSES, TicketStatus
from tickets.models import Priority, Ticket

RESOLVED_ACTION = f"ticket.{TicketStatus.RESOLVED}"  # written by tickets.actions.status.move


def cache_seconds() -> int:
    return getattr(settings, "DASHBOARD_KPI_CACHE_SECONDS", 10)


def average_window_hours() -> int:
    """Averages (first response, resolution) are over this many recent hours."""
    return getattr(settings, "DASHBOARD_AVERAGE_HOURS", 24)


_VERSION_KEY = "dashboard:kpi:version"


def invalidate() -> None:
    """Every cached snapshot is stale from now on (called for each published event)."""
    cache.set(_VERSION_KEY, uuid.uuid4().hex, None)


def _cache_key(team_ids: Sequence | None) -> str:
    version = cache.get(_VERSION_KEY, "0")
    if team_ids is None:
        scope = "all"
    else:
        joined = ",".join(sorted(str(pk) for pk in team_ids))
        scope = hashlib.sha256(joined.encode()).hexdigest()[:24]
    return f"dashboard:kpi:{version}:{scope}"


def snapshot(*, team_ids: Sequence | None = None) -> dict:
    """The cached snapshot; ``team_ids`` None is the whole desk, a list narrows it to those
    teams (an agent's view)."""
    key = _cache_key(team_ids)
    data = cache.get(key)
    if data is None:
        data = compute(team_ids=team_ids)
        cache.set(key, data, cache_seconds())
    return data


def compute(*, team_ids: Sequence | None = None, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    tickets = Ticket.objects.all()
    if team_ids is not None:
        tickets = tickets.filter(team_id__in=team_ids)
    open_tickets = tickets.filter(status__in=OPEN_STATUSES)
    opened = _open_tickets(open_tickets)
    by_team, oldest_new = opened.pop("_by_team"), opened.pop("_oldest_new")
    window = now - timedelta(hours=average_window_hours())
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    created = _created(tickets, window=window, today=today)
    resolved = _resolved(team_ids, window=window, today=today)
    return {
        "generated_at": now.isoformat(),
        "scope": "all" if team_ids is None else "teams",
        "open": opened,
        "teams": _team_load(by_team, team_ids),
        "sla": _sla(team_ids),
        "today": {"created": created["today"], "resolved": resolved["today"]},
        "averages": {
            "window_hours": average_window_hours(),
            "first_response_minutes": _minutes(created["first_response"]),
            "resolution_hours": _hours(resolved["resolution"]),
        },
        "oldest_unaccepted": _oldest_unaccepted(tickets, oldest_new, now),
        "envelopes": _envelopes(team_ids),
    }


def _open_tickets(open_tickets) -> dict:
    rows = (
        open_tickets.values("status", "priority", "team_id")
        .annotate(n=Count("*"), oldest=Min("created_at"))
        .order_by()
    )
    by_status = dict.fromkeys(OPEN_STATUSES, 0)
    by_priority = dict.fromkeys(Priority.values, 0)
    by_team: Counter = Counter()
    oldest_new = None
    for row in rows:  # one row per (status, priority, team): bounded by the configuration
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        by_priority[row["priority"]] = by_priority.get(row["priority"], 0) + row["n"]
        by_team[row["team_id"]] += row["n"]
        if row["status"] == TicketStatus.NEW and (oldest_new is None or row["oldest"] < oldest_new):
            oldest_new = row["oldest"]
    unassigned = by_team.pop(None, 0)
    return {
        "total": sum(by_status.values()),
        "by_status": {str(k): v for k, v in by_status.items()},
        "by_priority": {str(k): v for k, v in by_priority.items()},
        "unassigned": unassigned,
        "_by_team": by_team,
        "_oldest_new": oldest_new,
    }


def _team_load(by_team: Counter, team_ids: Sequence | None) -> list[dict]:
    if team_ids is None:
        teams = Team.objects.filter(Q(status=Team.Status.ACTIVE) | Q(pk__in=list(by_team)))
    else:
        teams = Team.objects.filter(pk__in=team_ids)
    rows = []
    for team in teams.values("id", "name", "max_bandwidth", "status").order_by("name"):
        open_count = by_team.get(team["id"], 0)
        capacity = team["max_bandwidth"]
        rows.append(
            {
                "id": str(team["id"]),
                "name": team["name"],
                "status": team["status"],
                "open": open_count,
                "capacity": capacity,
                "load": round(open_count / capacity, 3) if capacity else None,
            }
        )
    return rows


def _sla(team_ids: Sequence | None) -> dict:
    """Open tickets' clocks (a resolved or closed ticket's clock has stopped: resolution met)
    in warning or breached."""
    clocks = SLAClock.objects.filter(
        state__in=(State.WARNING, State.BREACHED), resolution_met_at__isnull=True
    )
    if team_ids is not None:
        # The teams' open tickets from their partial index, then their clocks: joining every
        # open clock to its ticket to read the team cost a probe per open ticket (390 ms).
        open_of_teams = Ticket.objects.filter(team_id__in=team_ids, status__in=OPEN_STATUSES)
        clocks = clocks.filter(ticket_id__in=open_of_teams.values("pk"))
    counts = dict(clocks.values_list("state").annotate(n=Count("*")).order_by())
    return {"at_risk": counts.get(State.WARNING, 0), "breached": counts.get(State.BREACHED, 0)}


def _duration(end: str, start: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _created(tickets, *, window: datetime, today: datetime) -> dict:
    """Created today, and the average first response of tickets created in the window."""
    return tickets.filter(created_at__gte=min(today, window)).aggregate(
        today=Count("pk", filter=Q(created_at__gte=today)),
        first_response=Avg(
            _duration("sla_clock__first_response_met_at", "sla_clock__started_at"),
            filter=Q(created_at__gte=window),
        ),
    )


def _resolved(team_ids: Sequence | None, *, window: datetime, today: datetime) -> dict:
    """Tickets resolved today, and the average time to resolution of the resolutions in the
    window, from the audit log (indexed by time; a ticket resolved twice counts once today)."""
    entries = AuditLog.objects.filter(action=RESOLVED_ACTION, at__gte=min(today, window))
    if team_ids is not None:
        entries = entries.filter(
            ticket_id__in=Ticket.objects.filter(team_id__in=team_ids).values("pk")
        )
    created = Ticket.objects.filter(pk=OuterRef("ticket_id")).values("created_at")[:1]
    return entries.annotate(ticket_created_at=Subquery(created)).aggregate(
        today=Count("ticket_id", distinct=True, filter=Q(at__gte=today)),
        resolution=Avg(_duration("at", "ticket_created_at"), filter=Q(at__gte=window)),
    )


def _minutes(value: timedelta | None) -> float | None:
    return round(value.total_seconds() / 60, 1) if value is not None else None


def _hours(value: timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 2) if value is not None else None


def _oldest_unaccepted(tickets, created_at: datetime | None, now: datetime) -> dict | None:
    """The new ticket created at ``created_at`` (the minimum found by the open-tickets query):
    an equality lookup on the created_at index, never a walk through every old ticket."""
    if created_at is None:
        return None
    row = (
        tickets.filter(status=TicketStatus.NEW, created_at=created_at)
        .order_by("pk")
        .values("id", "reference", "priority", "created_at", "team__name")
        .first()
    )
    if row is None:
        return None
    return {
        "id": str(row["id"]),
        "reference": row["reference"],
        "priority": row["priority"],
        "team": row["team__name"],
        "created_at": row["created_at"].isoformat(),
        "age_minutes": round((now - row["created_at"]).total_seconds() / 60, 1),
    }


def _envelopes(team_ids: Sequence | None) -> dict:
    """Open envelopes; for some teams, those asked of them (the work waiting on them)."""
    envelopes = Envelope.objects.filter(status__in=OPEN_ENVELOPE_STATUSES)
    if team_ids is not None:
        envelopes = envelopes.filter(team_id__in=team_ids)
    counts = dict(envelopes.values_list("status").annotate(n=Count("pk")).order_by())
    pending = counts.get(EnvelopeStatus.PENDING, 0)
    active = counts.get(EnvelopeStatus.ACTIVE, 0)
    return {"open": pending + active, "pending": pending, "active": active}
