"""Which SLA policy a ticket falls under: the most specific active one for its priority, type,
tier and category (sla.matching), else the default."""

from sla import selectors
from sla.defaults import ensure_default_policy
from sla.matching import PolicyCriteria, TicketFacts, best_policy
from sla.models import BusinessCalendar, SLAPolicy, WorkingHours


def _criteria(policy: SLAPolicy) -> PolicyCriteria:
    return PolicyCriteria(
        policy_id=policy.pk,
        priority=policy.priority,
        type=policy.type,
        tier=policy.tier,
        category=policy.category,
        is_active=policy.is_active,
        is_default=policy.is_default,
    )


def _facts(ticket, tier: str) -> TicketFacts:
    return TicketFacts(
        priority=ticket.priority, type=ticket.type, tier=tier, category=ticket.category
    )


def default_policy() -> SLAPolicy:
    """The default policy; recreated with the default calendars if it has gone missing."""
    return ensure_default_policy(SLAPolicy, BusinessCalendar, WorkingHours)


def match_policy(*, ticket, tier: str, policies: list[SLAPolicy] | None = None):
    if policies is None:
        policies = selectors.memoised_policies()
    chosen = best_policy([_criteria(p) for p in policies], _facts(ticket, tier))
    if chosen is None:
        return selectors.policies_with_calendars().get(pk=default_policy().pk)
    return next(p for p in policies if p.pk == chosen)
