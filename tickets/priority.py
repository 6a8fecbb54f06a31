"""Priority from urgency x impact (ITIL matrix) and the queue's priority score: one formula,
here. Pure functions.

score = base (critical 100, high 70, medium 40, low 10) x tier factor (VIP 1.5, premium 1.2;
a ticket flagged ``vip`` counts as VIP whatever its requester's tier) x escalation factor
(1.3 while escalated) x SLA pressure (1.0 at rest, up to 3.0 as a deadline nears or passes,
times up to 1.4 without activity: measured by the SLA app, sla.scoring, and kept on the ticket
by tickets.actions.scores).
"""

PRIORITY_CHOICES = ("critical", "high", "medium", "low")

PRIORITY_BASE = {"critical": 100.0, "high": 70.0, "medium": 40.0, "low": 10.0}
TIER_FACTOR = {"vip": 1.5, "premium": 1.2, "standard": 1.0}
ESCALATION_FACTOR = 1.3


def parse_level(value) -> int | None:
    """'1'..'5' or 1..5 -> int; anything else -> None."""
    try:
        level = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return level if 1 <= level <= 5 else None


def derive_priority(urgency, impact) -> str:
    """ITIL matrix: 1/1 critical; 1/2 and 2/1 high; 2/2, 1/3 and 3/1 medium; else low.

    A missing or unreadable level counts as 3 (medium), the usual default of source systems.
    """
    u = parse_level(urgency) or 3
    i = parse_level(impact) or 3
    if u == 1 and i == 1:
        return "critical"
    if {u, i} == {1, 2}:
        return "high"
    if (u, i) in {(2, 2), (1, 3), (3, 1)}:
        return "medium"
    return "low"


def escalation_factor(status: str) -> float:
    return ESCALATION_FACTOR if status == "escalated" else 1.0


def tier_factor(tier: str, *, vip_flagged: bool = False) -> float:
    """The requester's tier factor, raised to VIP's by a ``vip`` flag on the ticket."""
    factor = TIER_FACTOR.get(tier, 1.0)
    return max(factor, TIER_FACTOR["vip"]) if vip_flagged else factor


def priority_score(
    *, priority: str, tier: str, status: str, pressure: float = 1.0, vip_flagged: bool = False
) -> float:
    """Where a ticket stands in a work queue."""
    base = PRIORITY_BASE.get(priority, PRIORITY_BASE["medium"])
    base *= tier_factor(tier, vip_flagged=vip_flagged)
    return round(base * escalation_factor(status) * pressure, 2)


def score_of(ticket, *, pressure: float | None = None) -> float:
    """A ticket's score with its stored SLA pressure (or the one given). Its requester (and
    company) must be loaded: the tier is theirs; a ``vip`` flag raises it (``vip_flagged``)."""
    return priority_score(
        priority=ticket.priority,
        tier=ticket.requester.effective_tier,
        status=ticket.status,
        pressure=ticket.sla_pressure if pressure is None else pressure,
        vip_flagged=ticket.vip_flagged,
    )
