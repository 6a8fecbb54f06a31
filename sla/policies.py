"""Which SLA policy a ticket falls under: the most specific active one for its priority, type,
tier and category (sla.matching), else the default."""

from sla import selectors
from sla.calendar import Calendar
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


class PolicyBook:
    """The policies a batch of new tickets is matched against, read once (the memo), with
    each distinct ticket profile's match and each calendar worked out once: a hundred new
    tickets fall under a handful of policies and calendars."""

    def __init__(self, policies: list[SLAPolicy] | None = None) -> None:
        self.policies = selectors.memoised_policies() if policies is None else policies
        self._criteria = [_criteria(p) for p in self.policies]
        self._matched: dict[TicketFacts, SLAPolicy] = {}
        self._calendars: dict[int, Calendar] = {}

    def match(self, *, ticket, tier: str) -> SLAPolicy:
        facts = _facts(ticket, tier)
        if facts not in self._matched:
            self._matched[facts] = self._best(facts)
        return self._matched[facts]

    def stricter(self, policy: SLAPolicy) -> SLAPolicy:
        """The next stricter active policy than ``policy`` (a ``social_media`` flag's upgrade):
        of those with shorter targets (resolution, then first response), the least strict;
        ``policy`` itself when none is stricter."""
        targets = (policy.resolution_minutes, policy.first_response_minutes)
        stricter = [
            p
            for p in self.policies
            if p.is_active and (p.resolution_minutes, p.first_response_minutes) < targets
        ]
        if not stricter:
            return policy
        return max(stricter, key=lambda p: (p.resolution_minutes, p.first_response_minutes, -p.pk))

    def calendar(self, policy: SLAPolicy) -> Calendar:
        """The policy's calendar (its hours and closed dates prefetched by the memo)."""
        if policy.calendar_id not in self._calendars:
            self._calendars[policy.calendar_id] = policy.calendar.as_calendar()
        return self._calendars[policy.calendar_id]

    def _best(self, facts: TicketFacts) -> SLAPolicy:
        chosen = best_policy(self._criteria, facts)
        if chosen is None:
            return selectors.policies_with_calendars().get(pk=default_policy().pk)
        return next(p for p in self.policies if p.pk == chosen)


def match_policy(*, ticket, tier: str, policies: list[SLAPolicy] | None = None) -> SLAPolicy:
    return PolicyBook(policies).match(ticket=ticket, tier=tier)
