"""The ticket page shows semantic triage's reading: its top teams with their similarity, its
confidence, and "needs triage" while the ticket waits in the triage queue."""

import pytest
from django.urls import reverse

from routing.models import AllocationDecision
from tests import factories

pytestmark = pytest.mark.django_db

TRIAGE = {
    "provider": "wordllama",
    "category": "network",
    "confidence": 0.31,
    "threshold": 0.4,
    "needs_triage": True,
    "teams": [
        {
            "team_id": "a",
            "name": "Network Team",
            "similarity": 0.6123,
            "probability": 0.31,
            "topic": "VPN & remote access",
        },
        # a decision taken before topics were read has none
        {"team_id": "b", "name": "Identity & Access", "similarity": 0.5871, "probability": 0.27},
    ],
    "shortlist": ["a", "b"],
}


def decide(ticket, team, triage) -> AllocationDecision:
    return AllocationDecision.objects.create(
        ticket=ticket,
        event="ticket.created",
        method="scoring",
        team=team,
        team_name=team.name,
        scores={"availability": 1.0, "composite": 0.7},
        rationale="Scoring chose it. Triage (wordllama) ranked Network Team 0.61.",
        confidence=0.7,
        triage=triage,
    )


def test_the_page_names_triages_top_teams_with_similarity_and_confidence(client, agent, ticket):
    decide(ticket, ticket.team, TRIAGE)
    client.force_login(agent)
    body = client.get(reverse("desk:detail", args=[ticket.pk])).content.decode()
    assert 'id="triage"' in body
    assert 'Network Team <span class="muted">similarity 0.61' in body
    assert 'Identity &amp; Access <span class="muted">similarity 0.59' in body
    assert "probability 0.31, closest to “VPN &amp; remote access”</span>" in body
    assert "probability 0.27</span>" in body  # no topic, nothing said
    assert "confidence <strong>0.31</strong>" in body
    assert 'id="needs-triage"' in body


def test_needs_triage_goes_once_someone_moved_the_ticket(client, agent, ticket):
    elsewhere = factories.TeamFactory(slug="elsewhere")
    decide(ticket, elsewhere, TRIAGE)  # the ticket's team is no longer the decision's
    client.force_login(agent)
    body = client.get(reverse("desk:detail", args=[ticket.pk])).content.decode()
    assert 'id="triage"' in body
    assert "Needs triage" not in body


def test_a_decision_without_triage_shows_no_triage_panel(client, agent, ticket):
    decide(ticket, ticket.team, {})
    client.force_login(agent)
    body = client.get(reverse("desk:detail", args=[ticket.pk])).content.decode()
    assert 'id="triage"' not in body and "Needs triage" not in body


def test_requesters_see_no_triage(client, requester, ticket):
    decide(ticket, ticket.team, TRIAGE)
    client.force_login(requester)
    body = client.get(reverse("desk:detail", args=[ticket.pk])).content.decode()
    assert "Needs triage" not in body and 'id="triage"' not in body


@pytest.mark.parametrize("rows", [4, 40])
def test_the_lists_mark_tickets_that_need_triage_in_constant_queries(
    client, agent, team, make_tickets, django_assert_max_num_queries, rows
):
    waiting = make_tickets(rows, team=team, title="Waiting one")
    for ticket in waiting:
        decide(ticket, team, TRIAGE)
    moved, settled, sure = make_tickets(3, team=team, title="Other one")
    decide(moved, factories.TeamFactory(slug="elsewhere"), TRIAGE)  # someone moved it since
    decide(settled, team, TRIAGE)
    decide(settled, team, {**TRIAGE, "needs_triage": False})  # the latest decision counts
    decide(sure, team, {})
    (resolved,) = make_tickets(1, team=team, title="Resolved one", status="resolved", owner=agent)
    decide(resolved, team, TRIAGE)  # waits no longer: resolved tickets are never marked
    client.force_login(agent)
    client.get("/")
    badge = 'class="badge needs-triage"'

    # The same counts as without the badge (tests/pages/test_lists.py): it is read in the
    # page's own query.
    with django_assert_max_num_queries(4):
        queue = client.get("/").content.decode()
    with django_assert_max_num_queries(10):
        listed = client.get("/tickets/?sort=-created").content.decode()
    assert queue.count(badge) == rows
    assert listed.count(badge) == min(rows, 25 - 4)  # the four others are newest
