"""How right triage was on the tickets resolved lately, week by week: for each resolved ticket
its first decision that triage read, triage's top team (and top three) against the team that
resolved it. Reads only."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from routing.models import AllocationDecision
from tickets.lifecycle import CLOSED_STATUSES
from tickets.models import Ticket


@dataclass
class Week:
    start: datetime
    resolved: int = 0
    top1: int = 0
    top3: int = 0
    routed: int = 0  # the decision's team was the resolving team
    needed_triage: int = 0

    def rate(self, count: int) -> float:
        return count / self.resolved if self.resolved else 0.0


def weekly_accuracy(*, now: datetime, days: int = 30) -> list[Week]:
    since = now - timedelta(days=days)
    final = dict(
        Ticket.objects.filter(
            status__in=CLOSED_STATUSES, resolved_at__gte=since, team__isnull=False
        ).values_list("pk", "team_id")
    )
    resolved_at = dict(Ticket.objects.filter(pk__in=list(final)).values_list("pk", "resolved_at"))
    first: dict = {}
    decisions = (
        AllocationDecision.objects.filter(ticket_id__in=list(final))
        .exclude(triage={})
        .order_by("ticket_id", "decided_at")
        .values_list("ticket_id", "team_id", "triage")
    )
    for ticket_id, team_id, triage in decisions:
        first.setdefault(ticket_id, (team_id, triage))
    weeks: dict = defaultdict(lambda: None)
    for ticket_id, (team_id, triage) in first.items():
        at = resolved_at[ticket_id]
        start = (at - timedelta(days=at.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        week = weeks[start] or Week(start)
        weeks[start] = week
        ranked = [team["team_id"] for team in triage.get("teams", [])]
        truth = str(final[ticket_id])
        week.resolved += 1
        week.top1 += bool(ranked) and ranked[0] == truth
        week.top3 += truth in ranked[:3]
        week.routed += str(team_id) == truth
        week.needed_triage += bool(triage.get("needs_triage"))
    return [weeks[start] for start in sorted(weeks)]
