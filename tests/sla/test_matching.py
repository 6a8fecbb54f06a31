"""sla.matching: the most specific active policy wins; the default catches the rest."""

from sla.matching import PolicyCriteria, TicketFacts, best_policy

DEFAULT = PolicyCriteria(policy_id=1, is_default=True)
CRITICAL = PolicyCriteria(policy_id=2, priority="critical")
VIP = PolicyCriteria(policy_id=3, tier="vip")
VIP_CRITICAL = PolicyCriteria(policy_id=4, priority="critical", tier="vip")
NETWORK_INCIDENTS = PolicyCriteria(policy_id=5, type="incident", category="network")
INACTIVE_EXACT = PolicyCriteria(
    policy_id=6, priority="critical", tier="vip", type="incident", is_active=False
)
ALL = [DEFAULT, CRITICAL, VIP, VIP_CRITICAL, NETWORK_INCIDENTS, INACTIVE_EXACT]


def facts(priority="medium", tier="standard", type="incident", category="") -> TicketFacts:
    return TicketFacts(priority=priority, tier=tier, type=type, category=category)


def test_more_criteria_beat_fewer():
    assert best_policy(ALL, facts(priority="critical", tier="vip")) == VIP_CRITICAL.policy_id


def test_single_criterion_matches():
    assert best_policy(ALL, facts(priority="critical")) == CRITICAL.policy_id
    assert best_policy(ALL, facts(tier="vip")) == VIP.policy_id


def test_ties_go_to_the_weightier_criterion():
    # Two criteria each: priority+tier outranks type+category.
    ticket = facts(priority="critical", tier="vip", category="network")
    assert best_policy(ALL, ticket) == VIP_CRITICAL.policy_id
    # One criterion each: priority outranks tier.
    assert best_policy([CRITICAL, VIP], facts(priority="critical", tier="vip")) == 2


def test_category_matches_case_insensitively():
    assert best_policy(ALL, facts(category="Network")) == NETWORK_INCIDENTS.policy_id


def test_inactive_policies_never_match_and_the_default_catches_the_rest():
    assert best_policy(ALL, facts(priority="low", type="change")) == DEFAULT.policy_id
    assert best_policy([INACTIVE_EXACT], facts(priority="critical", tier="vip")) is None
