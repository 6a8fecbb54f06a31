"""The pure decision: eligibility, rules, affinity, scoring, ties, agent suggestion."""

from routing import engine
from routing.snapshots import AgentSnapshot, RuleSnapshot
from tests.routing.factories import WEDNESDAY_10_UTC, config, team_snapshot, ticket_snapshot

NETWORK = team_snapshot(team_id="t-net", slug="network", name="Network", capabilities=("network",))
APPS = team_snapshot(team_id="t-app", slug="apps", name="Apps", capabilities=("sap",))
IDLE = team_snapshot(
    team_id="t-off", slug="idle", name="Idle", capabilities=("network",), active=False
)


def decide(ticket=None, teams=(NETWORK, APPS, IDLE), rules=(), **kwargs):
    return engine.decide(
        ticket=ticket or ticket_snapshot(),
        teams=list(teams),
        rules=list(rules),
        config=kwargs.pop("cfg", config()),
        at=WEDNESDAY_10_UTC,
        **kwargs,
    )


def rule(name, conditions=(), actions=({"type": "assign", "to": "team:apps"},), stop=False):
    return RuleSnapshot(None, name, tuple(conditions), tuple(actions), stop)


def test_eligible_by_capability_and_inactive_never():
    eligible, matched = engine.eligible_teams(ticket_snapshot(category="network"), [NETWORK, IDLE])
    assert (eligible, matched) == ([NETWORK], True)


def test_eligible_by_a_keyword_of_the_category():
    vpn_team = team_snapshot(team_id="t-vpn", capabilities=("vpn",))
    eligible, matched = engine.eligible_teams(
        ticket_snapshot(category="network"), [vpn_team, APPS], keywords=("vpn", "dns")
    )
    assert (eligible, matched) == ([vpn_team], True)


def test_without_a_match_every_active_team_is_eligible():
    eligible, matched = engine.eligible_teams(
        ticket_snapshot(category="printers"), [NETWORK, APPS, IDLE]
    )
    assert (eligible, matched) == ([NETWORK, APPS], False)


def test_scoring_picks_the_best_eligible_team_and_lists_candidates_best_first():
    busy = team_snapshot(team_id="t-busy", name="Busy", capabilities=("network",), load=18)
    decision = decide(teams=[busy, NETWORK, APPS])
    assert decision.method == "scoring"
    assert decision.team == NETWORK
    assert [c.team.team_id for c in decision.candidates] == ["t-net", "t-busy"]
    assert decision.candidates[0].composite >= decision.candidates[1].composite
    assert decision.confidence == round(decision.candidates[0].composite, 4)
    assert decision.scores["composite"] == round(decision.candidates[0].composite, 4)
    assert "Scoring chose Network" in decision.rationale


def test_ties_are_broken_by_name_then_id_whatever_the_input_order():
    b = team_snapshot(team_id="2", name="Beta")
    a = team_snapshot(team_id="1", name="Alpha")
    a2 = team_snapshot(team_id="0", name="Alpha")
    for order in ([b, a, a2], [a2, b, a], [a, a2, b]):
        assert [c.team.team_id for c in decide(teams=order).candidates] == ["0", "1", "2"]


def test_full_team_scores_zero_availability_but_a_free_one_wins():
    full = team_snapshot(team_id="t-full", name="A Full", load=20)
    decision = decide(teams=[full, NETWORK])
    scores = {c.team.team_id: c.scores for c in decision.candidates}
    assert scores["t-full"]["availability"] == 0.0
    assert decision.team == NETWORK


def test_inactive_team_never_chosen_even_by_a_rule():
    decision = decide(rules=[rule("to-idle", actions=({"type": "assign", "to": "team:idle"},))])
    assert decision.method == "scoring"
    assert decision.team == NETWORK
    assert "not active" in decision.rationale


def test_no_active_team_gives_no_decision():
    decision = decide(teams=[IDLE])
    assert (decision.method, decision.team, decision.candidates) == ("none", None, ())
    assert "No eligible team" in decision.rationale


def test_first_matching_assign_rule_decides_and_is_recorded():
    rules = [
        rule("not-matching", [{"priority": "critical"}]),
        rule("first", [{"category": "network"}], [{"type": "assign", "to": "team:apps"}]),
        rule("second", [], [{"type": "assign", "to": "team:network"}]),
    ]
    decision = decide(rules=rules)
    assert (decision.method, decision.team, decision.rule.name) == ("rule", APPS, "first")
    assert decision.confidence == 1.0
    assert decision.scores["composite"] > 0  # the chosen team's own scores


def test_non_assign_actions_apply_in_order_and_stop_ends_evaluation():
    rules = [
        rule(
            "raise",
            [{"title": {"matches": "(?i)vpn"}}],
            [{"type": "set_priority", "value": "critical"}, {"type": "add_flag", "value": "vip"}],
        ),
        rule(
            "sees-new-priority",
            [{"priority": "critical"}],
            [{"type": "notify", "to": "team:network", "message": "hot"}],
            stop=True,
        ),
        rule("never-reached", [], [{"type": "assign", "to": "team:apps"}]),
    ]
    decision = decide(rules=rules)
    assert decision.ticket.priority == "critical"
    assert decision.ticket.flags == {"vip"}
    assert decision.changes == {"priority": "critical"}
    assert [e["type"] for e in decision.effects] == ["set_priority", "add_flag", "notify"]
    assert decision.method == "scoring"  # the assign rule came after a stop


def test_set_category_changes_eligibility():
    decision = decide(rules=[rule("sap", [], [{"type": "set_category", "value": "SAP"}])])
    assert decision.changes == {"category": "sap"}
    assert decision.team == APPS


def test_agent_target_routes_to_the_agents_active_team():
    decision = decide(
        rules=[rule("kim", [], [{"type": "assign", "to": "agent:kim@x.example"}])],
        agent_teams={"kim@x.example": ["t-off", "t-app"]},
    )
    assert (decision.team, decision.agent_email) == (APPS, "kim@x.example")


def test_affinity_returns_to_previous_team_if_eligible_and_not_full():
    second = team_snapshot(team_id="t-2", name="A Second", capabilities=("network",), load=10)
    decision = decide(ticket_snapshot(previous_team_id="t-2"), teams=[NETWORK, second])
    assert (decision.method, decision.team) == ("affinity", second)
    full = team_snapshot(team_id="t-2", name="A Second", capabilities=("network",), load=20)
    decision = decide(ticket_snapshot(previous_team_id="t-2"), teams=[NETWORK, full])
    assert (decision.method, decision.team) == ("scoring", NETWORK)


def test_affinity_ignores_a_team_that_is_not_eligible():
    decision = decide(ticket_snapshot(previous_team_id="t-app"))
    assert (decision.method, decision.team) == ("scoring", NETWORK)


def agent(email, skills=(), load=0, capacity=10):
    return AgentSnapshot(hash(email) % 1000, email, tuple(skills), capacity, load)


def test_suggest_agent_skills_then_least_loaded_and_only_with_capacity():
    ticket = ticket_snapshot(title="VPN drops", category="network")
    skilled_busy = agent("a@x", ["vpn"], load=5)
    idle = agent("b@x", [], load=0)
    full = agent("c@x", ["vpn", "network"], load=10)
    assert engine.suggest_agent(ticket, [idle, skilled_busy, full]) == skilled_busy
    assert engine.suggest_agent(ticket, [idle, agent("d@x", [], load=1)]) == idle
    assert engine.suggest_agent(ticket, [full]) is None
