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
        {"team_id": "a", "name": "Network Team", "similarity": 0.6123, "probability": 0.31},
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
