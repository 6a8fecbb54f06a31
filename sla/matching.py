"""Which SLA policy applies to a ticket. Pure.

A policy names any of priority, ticket type, customer tier and category; an empty criterion
matches anything. Of the active policies whose every named criterion holds, the most specific
wins: the one naming the most criteria, then (ties) the one naming the weightier criteria
(priority > tier > type > category), then the lowest id. The default policy catches the rest.
"""

from collections.abc import Iterable
from dataclasses import dataclass

CRITERIA = ("priority", "tier", "type", "category")  # weightiest first


@dataclass(frozen=True)
class TicketFacts:
    priority: str
    type: str
    tier: str
    category: str = ""


@dataclass(frozen=True)
class PolicyCriteria:
    policy_id: int
    priority: str = ""
    type: str = ""
    tier: str = ""
    category: str = ""
    is_active: bool = True
    is_default: bool = False

    def matches(self, facts: TicketFacts) -> bool:
        for name in CRITERIA:
            wanted = getattr(self, name)
            if wanted and wanted.casefold() != getattr(facts, name).casefold():
                return False
        return True

    @property
    def specificity(self) -> tuple[int, tuple[bool, ...]]:
        named = tuple(bool(getattr(self, name)) for name in CRITERIA)
        return sum(named), named


def best_policy(policies: Iterable[PolicyCriteria], facts: TicketFacts) -> int | None:
    """The id of the policy that applies, or None when no active policy matches and there
    is no default."""
    policies = list(policies)
    matching = [p for p in policies if p.is_active and not p.is_default and p.matches(facts)]
    if matching:
        return max(matching, key=lambda p: (p.specificity, -p.policy_id)).policy_id
    default = next((p for p in policies if p.is_default), None)
    return default.policy_id if default is not None else None
