"""The calibration report of an ISO week: how many reviewed decisions were upheld, what was
given (approved resolutions decided in the week) by agent, team, reason and type, each per
currency, and the same over the last 12 weeks. A fixed number of queries for any data."""

import csv
import io
from decimal import Decimal

from django.db.models import Case, CharField, Count, QuerySet, Sum, Value, When

from core.display import display_name
from resolutions.calibration import counted
from resolutions.models import (
    CalibrationItem,
    Outcome,
    ResolutionType,
    ReviewStatus,
    WhatWentWrong,
)
from resolutions.money import display
from resolutions.periods import Week

TREND_WEEKS = 12
DIMENSIONS = {
    "by_agent": "agent_id",
    "by_team": "team_id",
    "by_reason": "what_went_wrong",
    "by_type": "type",
}


def build(week: Week) -> dict:
    decided = counted().filter(decided_at__gte=week.start, decided_at__lt=week.end)
    outcomes = _outcomes([str(week)]).get(str(week), {})
    labels = _labels(decided)
    return {
        "period": str(week),
        "start": week.monday.isoformat(),
        "end": week.shifted(1).monday.isoformat(),
        **_summary(outcomes),
        "compensation": {
            "total": _totals(decided, None, labels),
            **{name: _totals(decided, field, labels) for name, field in DIMENSIONS.items()},
        },
        "trend": _trend(week),
    }


def _outcomes(periods: list[str]) -> dict[str, dict[str, int]]:
    rows = (
        CalibrationItem.objects.filter(period__in=periods)
        .values("period", "review_status", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        counts = found.setdefault(row["period"], {})
        counts["items"] = counts.get("items", 0) + row["n"]
        if row["review_status"] == ReviewStatus.REVIEWED:
            counts["reviewed"] = counts.get("reviewed", 0) + row["n"]
            counts[row["outcome"]] = counts.get(row["outcome"], 0) + row["n"]
    return found


def _summary(counts: dict[str, int]) -> dict:
    reviewed = counts.get("reviewed", 0)
    upheld = counts.get(Outcome.UPHELD, 0)
    return {
        "items": counts.get("items", 0),
        "reviewed": reviewed,
        "outcomes": {outcome: counts.get(outcome, 0) for outcome in Outcome.values},
        "upheld_pct": round(100 * upheld / reviewed, 1) if reviewed else None,
    }


def _labels(decided: QuerySet) -> dict[str, dict]:
    """Names for the keys: agents and teams of the week's resolutions (two queries)."""
    agents = {
        r.agent_id: display_name(r.agent)
        for r in decided.select_related("agent")
        .only(
            "agent_id", "agent__username", "agent__first_name", "agent__last_name", "agent__email"
        )
        .order_by()
    }
    teams = {
        r.team_id: r.team.name
        for r in decided.filter(team__isnull=False)
        .select_related("team")
        .only("team_id", "team__name")
        .order_by()
    }
    return {
        "agent_id": agents,
        "team_id": teams,
        "what_went_wrong": dict(WhatWentWrong.choices),
        "type": dict(ResolutionType.choices),
    }


def _totals(decided: QuerySet, field: str | None, labels: dict) -> list[dict]:
    keys = [field] if field else []
    rows = (
        decided.values(*keys, "currency")
        .annotate(amount=Sum("amount"), n=Count("id"))
        .order_by(*keys, "currency")
    )
    out = []
    for row in rows:
        entry = {
            "currency": row["currency"],
            "amount": display(row["amount"] or Decimal(0), row["currency"]),
            "count": row["n"],
        }
        if field:
            key = row[field]
            entry = {
                "key": None if key is None else str(key),
                "label": labels[field].get(key, "(no team)" if key is None else str(key)),
                **entry,
            }
        out.append(entry)
    return out


def _trend(week: Week) -> list[dict]:
    weeks = week.last(TREND_WEEKS)
    periods = [str(w) for w in weeks]
    label = Case(
        *(When(decided_at__gte=w.start, decided_at__lt=w.end, then=Value(str(w))) for w in weeks),
        default=Value(""),
        output_field=CharField(),
    )
    rows = (
        counted()
        .filter(decided_at__gte=weeks[0].start, decided_at__lt=week.end)
        .annotate(period=label)
        .values("period", "currency")
        .annotate(amount=Sum("amount"), n=Count("id"))
        .order_by("period", "currency")
    )
    totals: dict[str, list[dict]] = {}
    for row in rows:
        totals.setdefault(row["period"], []).append(
            {
                "currency": row["currency"],
                "amount": display(row["amount"], row["currency"]),
                "count": row["n"],
            }
        )
    outcomes = _outcomes(periods)
    return [
        {"period": p, **_summary(outcomes.get(p, {})), "totals": totals.get(p, [])} for p in periods
    ]


CSV_COLUMNS = ("period", "section", "key", "label", "currency", "amount", "count")


def as_csv(report: dict) -> str:
    """One flat table: the summary, each dimension's totals and the trend, a row each."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    period = report["period"]
    for name in ("items", "reviewed"):
        writer.writerow([period, "summary", name, "", "", "", report[name]])
    for outcome, n in report["outcomes"].items():
        writer.writerow([period, "outcome", outcome, "", "", "", n])
    pct = report["upheld_pct"]
    writer.writerow([period, "summary", "upheld_pct", "", "", "" if pct is None else pct, ""])
    for section, rows in report["compensation"].items():
        for row in rows:
            writer.writerow(
                [
                    period,
                    section,
                    row.get("key") or "",
                    _cell(row.get("label", "")),
                    row["currency"],
                    row["amount"],
                    row["count"],
                ]
            )
    for week in report["trend"]:
        pct = week["upheld_pct"]
        writer.writerow(
            [
                week["period"],
                "trend",
                "upheld_pct",
                "",
                "",
                "" if pct is None else pct,
                week["reviewed"],
            ]
        )
        for total in week["totals"]:
            writer.writerow(
                [
                    week["period"],
                    "trend",
                    "total",
                    "",
                    total["currency"],
                    total["amount"],
                    total["count"],
                ]
            )
    return out.getvalue()


def _cell(text: str) -> str:
    """A name that a spreadsheet would run as a formula is written as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
