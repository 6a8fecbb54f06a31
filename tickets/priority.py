"""Priority from urgency x impact (ITIL matrix) and the queue's priority score. Pure functions."""

PRIORITY_CHOICES = ("critical", "high", "medium", "low")

# Base weight of each priority in the queue's priority score, and the customer tier's factor.
PRIORITY_BASE = {"critical": 100.0, "high": 70.0, "medium": 40.0, "low": 10.0}
TIER_FACTOR = {"vip": 1.5, "premium": 1.2, "standard": 1.0}


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


def priority_score(priority: str, tier: str) -> float:
    """Where the ticket stands in a work queue before any SLA pressure: base x tier factor.
    sla.scoring multiplies in the SLA, escalation and staleness factors."""
    return PRIORITY_BASE.get(priority, PRIORITY_BASE["medium"]) * TIER_FACTOR.get(tier, 1.0)
