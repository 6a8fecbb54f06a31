"""Empowerment tiers, computed from the amount and the team's limits; never chosen by anyone.

- tier 1 ``agent``: amount <= tier-1 limit; the agent decides alone;
- tier 2 ``team_lead``: tier-1 limit < amount <= tier-2 limit; a lead of the team approves;
- tier 3 ``manager``: amount > tier-2 limit; a manager decides and it goes to calibration.

Exactly at a limit is the lower tier; one minor unit over is the next. A team without a
configuration has limits of zero: the agent alone may give nothing that costs money (an
apology, a zero-amount replacement), anything else goes to a manager."""

from dataclasses import dataclass
from decimal import Decimal

AGENT, TEAM_LEAD, MANAGER = "agent", "team_lead", "manager"
ZERO = Decimal("0")


@dataclass(frozen=True)
class Limits:
    tier1: Decimal
    tier2: Decimal
    currency: str | None  # None: no configuration, any currency is measured against zero


NO_CONFIGURATION = Limits(ZERO, ZERO, None)


def tier_for(amount: Decimal, limits: Limits) -> str:
    if amount <= limits.tier1:
        return AGENT
    if amount <= limits.tier2:
        return TEAM_LEAD
    return MANAGER
