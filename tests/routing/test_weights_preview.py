"""Weights with consequences: before saving, the last N decisions replayed under the weights as
typed, from the factor scores each decision stored; pure, constant queries, nothing written."""

import pytest
from django.urls import reverse

from routing.actions.config import KNOB_FIELDS
from routing.actions.route import route_ticket
from routing.admin.weights import weights_preview
from routing.models import WEIGHT_FIELDS, AllocationDecision, ScoringWeights
from routing.reweigh import reweigh
from tests.dashboard.factories import DecisionFactory
from tests.factories import TicketFactory
from tests.routing.factories import DEFAULT_WEIGHTS, ScoringWeightsFactory, unrouted_ticket

pytestmark = pytest.mark.django_db

FAST = {"availability": 0.2, "bandwidth": 0.5, "velocity": 0.95, "performance": 0.5,
        "proximity": 0.5, "cultural_fit": 1.0, "timezone": 0.5}  # fmt: skip
FREE = {**FAST, "availability": 0.9, "velocity": 0.3}
VELOCITY_FIRST = {**{name: 0.0 for name in WEIGHT_FIELDS}, "velocity_weight": 1.0}


def candidate(team, scores: dict) -> dict:
    return {"group_id": str(team.pk), "group_name": team.name, "composite": 0.5, "scores": scores}


def scored_decision(team, other_team, category: str = "network", method: str = "scoring"):
    """Decided for ``team`` (free) over ``other_team`` (fast) under the default weights."""
    ticket = TicketFactory(team=team, category=category)
    return DecisionFactory(
        ticket=ticket,
        team=team,
        method=method,
        candidates=[candidate(team, FREE), candidate(other_team, FAST)],
        scores={**FREE, "composite": 0.6},
    )


def test_stronger_velocity_moves_the_scored_decisions_only(team, other_team):
    for _ in range(3):
        scored_decision(team, other_team)
    scored_decision(team, other_team, method="rule")
    preview = weights_preview(category="", weights=VELOCITY_FIRST, limit=200)
    assert (preview.considered, preview.by_scoring, len(preview.moved)) == (4, 3, 3)
    move = preview.moved[0]
    assert (move.old_team, move.new_team, move.new_composite) == (team.name, other_team.name, 0.95)
    assert preview.gained == {other_team.name: 3} and preview.lost == {team.name: 3}
    assert len(weights_preview(category="", weights=DEFAULT_WEIGHTS, limit=200).moved) == 0


def test_real_decisions_replayed_under_their_own_weights_do_not_move(team, other_team):
    other_team.capabilities = ["network"]
    other_team.save()
    for index in range(6):
        route_ticket(ticket_id=unrouted_ticket(category="network", title=f"VPN {index}").pk)
    scoring = AllocationDecision.objects.filter(method="scoring")
    assert scoring.count() == 6
    assert all(len(d.candidates) == 2 for d in scoring)
    current = ScoringWeights.objects.get(category="").weights()
    preview = weights_preview(category="", weights=current, limit=200)
    assert (preview.by_scoring, preview.moved) == (6, [])


def test_a_category_s_weights_replay_its_tickets_and_the_default_the_rest(team, other_team):
    ScoringWeightsFactory(category="vpn")
    scored_decision(team, other_team, category="vpn")
    scored_decision(team, other_team, category="network")
    scored_decision(team, other_team, category="network")
    assert weights_preview(category="vpn", weights=VELOCITY_FIRST, limit=200).considered == 1
    assert weights_preview(category="", weights=VELOCITY_FIRST, limit=200).considered == 2


def test_only_the_last_n_are_replayed_newest_first(team, other_team):
    decisions = [scored_decision(team, other_team) for _ in range(5)]
    preview = weights_preview(category="", weights=VELOCITY_FIRST, limit=2)
    newest = sorted(decisions, key=lambda d: d.decided_at, reverse=True)[:2]
    assert [m.reference for m in preview.moved] == [d.ticket.reference for d in newest]


@pytest.mark.parametrize("rows", [2, 40])
def test_the_preview_costs_the_same_queries_whatever_the_rows(
    team, other_team, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        scored_decision(team, other_team)
    with django_assert_max_num_queries(2):
        preview = weights_preview(category="", weights=VELOCITY_FIRST, limit=200)
    assert preview.considered == rows


def test_ties_break_as_the_engine_breaks_them():
    same = {name: 0.5 for name in FAST}
    rows = [
        {
            "reference": "T-1",
            "team_id": "b",
            "team_name": "Beta",
            "method": "scoring",
            "candidates": [
                {"group_id": "b", "group_name": "Beta", "scores": same},
                {"group_id": "a", "group_name": "Alpha", "scores": same},
            ],
        }
    ]
    (moved,) = reweigh(rows, DEFAULT_WEIGHTS).moved
    assert (moved.old_team, moved.new_team) == ("Beta", "Alpha")  # by name, as engine.rank


def form_data(row: ScoringWeights, **weights) -> dict:
    data = {name: getattr(row, name) for name in (*WEIGHT_FIELDS, *KNOB_FIELDS)}
    return {"category": row.category, **data, **weights}


def test_the_admin_previews_the_unsaved_form_and_saves_nothing(
    client, admin_user, team, other_team
):
    for _ in range(3):
        scored_decision(team, other_team)
    row = ScoringWeights.objects.get(category="")
    client.force_login(admin_user)
    url = reverse("admin:routing_scoringweights_preview", args=[row.pk])
    data = form_data(row, **VELOCITY_FIRST) | {"preview_count": 200}
    page = client.post(url, data).content.decode()
    assert '<p id="preview-summary"><strong>3</strong> of the last 3 decisions' in page
    assert f"<td>{team.name}</td><td>{other_team.name}</td>" in page
    row.refresh_from_db()
    assert row.weights() == DEFAULT_WEIGHTS
    bad = client.post(url, form_data(row, availability_weight=0.9)).content.decode()
    assert "must sum to 1" in bad and "preview-summary" not in bad
    change_page = client.get(reverse("admin:routing_scoringweights_change", args=[row.pk]))
    assert 'id="weights-preview"' in change_page.content.decode()
    assert "js/weights_preview.js" in change_page.content.decode()
