"""The queue's priority score (the seed's PriorityService). Pure.

score = base x tier factor (tickets.priority.priority_score: critical 100, high 70, medium 40,
low 10; VIP x1.5) x SLA factor (1.0 to 3.0 as a deadline nears or passes, sla.clocks)
x escalation factor (1.3 while escalated) x staleness factor (up to 1.4 without activity).
"""

from tickets.lifecycle import TicketStatus
from tickets.priority import priority_score as base_score

ESCALATION_FACTOR = 1.3


def escalation_factor(status: str) -> float:
    return ESCALATION_FACTOR if status == TicketStatus.ESCALATED else 1.0


def priority_score(
    *, priority: str, tier: str, status: str, sla_factor: float, staleness_factor: float
) -> float:
    score = base_score(priority, tier) * sla_factor * escalation_factor(status) * staleness_factor
    return round(score, 2)
