"""What requesters get from the knowledge base while they file or follow a ticket: clean article
links (no scores, no match reasons, published articles only) in the page fragment and the API,
and "this solved it", counted once per requester and article, which opens no ticket or resolves
the requester's own ticket through the ticket services."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kb.actions.solved import record_solved
from kb.models import Article, ArticleSolve
from tests import factories
from tests.kb.factories import article
from tickets.actions import ownership
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def vpn(agent):
    return article(actor=agent, title="VPN drops every ten minutes", body="Set the vpn MTU.")


@pytest.fixture
def draft(agent):
    return article(actor=agent, title="VPN drops draft", body="vpn drops", status="draft")


def suggest(client, title, description=""):
    return client.get(reverse("kb:suggest"), {"title": title, "description": description})


def test_typing_suggests_published_articles_without_scores(client, requester, vpn, draft):
    client.force_login(requester)
    body = suggest(client, "vpn drops", "every ten minutes").content.decode()
    assert reverse("kb:article", args=[vpn.pk]) in body
    assert reverse("kb:article", args=[draft.pk]) not in body
    assert "score" not in body.lower() and "shares" not in body.lower()
    assert f'action="{reverse("kb:solved", args=[vpn.pk])}"' in body
    assert "No article matches" in suggest(client, "zzz unrelated words").content.decode()
    assert "appear here" in suggest(client, "a").content.decode()  # too short to search


def test_the_api_hides_scores_and_reasons_from_requesters_only(requester, agent, ticket, vpn):
    ticket.title = "vpn drops every ten minutes"
    ticket.save()
    api = APIClient()
    url = f"/api/v1/tickets/{ticket.pk}/suggestions/"
    api.force_authenticate(requester)
    mine = api.get(url).json()
    assert mine["articles"] == [
        {"article": {"id": vpn.pk, "title": vpn.title, "category": vpn.category}}
    ]
    assert mine["similar_tickets"] == []
    api.force_authenticate(agent)
    staff = api.get(url).json()["articles"][0]
    assert set(staff) == {"article", "score", "why"} and 0 < staff["score"] <= 1


def solve(client, item, ticket=None):
    data = {"ticket": str(ticket.pk)} if ticket else {}
    return client.post(reverse("kb:solved", args=[item.pk]), data, headers={"HX-Request": "true"})


def test_this_solved_it_opens_no_ticket_and_counts_once_per_requester(client, requester, vpn):
    client.force_login(requester)
    first = solve(client, vpn)
    assert first.status_code == 200 and "No ticket was opened" in first.content.decode()
    assert solve(client, vpn).status_code == 200  # said twice: counted once
    other = factories.RequesterFactory()
    client.force_login(other)
    solve(client, vpn)
    vpn.refresh_from_db()
    assert vpn.solved_count == 2
    assert ArticleSolve.objects.filter(article=vpn).count() == 2
    assert Ticket.objects.count() == 0


def test_staff_and_unpublished_articles_are_refused(client, agent, requester, draft):
    client.force_login(agent)
    assert solve(client, draft).status_code == 403
    client.force_login(requester)
    assert solve(client, draft).status_code == 404
    draft.refresh_from_db()
    assert draft.solved_count == 0


def test_on_the_requesters_ticket_it_resolves_the_ticket(client, agent, requester, ticket, vpn):
    Ticket.objects.filter(pk=ticket.pk).update(title="vpn drops every ten minutes")
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    client.force_login(requester)
    fragment = client.get(reverse("kb:ticket-suggestions", args=[ticket.pk])).content.decode()
    assert "This solved it" in fragment and 'name="ticket"' in fragment
    assert "score" not in fragment
    response = solve(client, vpn, ticket)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "ticket-changed"
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert vpn.title in ticket.resolution
    assert ticket.timeline.filter(content="Resolved by the requester.").exists()
    assert ArticleSolve.objects.get().ticket == ticket


def test_a_new_ticket_cannot_be_resolved_by_its_requester(client, requester, ticket, vpn):
    client.force_login(requester)
    fragment = client.get(reverse("kb:ticket-suggestions", args=[ticket.pk])).content.decode()
    assert "This solved it" not in fragment  # no edge from new to resolved
    assert solve(client, vpn, ticket).status_code == 409
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert Article.objects.get(pk=vpn.pk).solved_count == 0  # nothing half-written


def test_someone_elses_ticket_is_not_found(client, agent, ticket, vpn):
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    client.force_login(factories.RequesterFactory())
    assert solve(client, vpn, ticket).status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"


@pytest.mark.parametrize("rows", [1, 15])
def test_the_admin_shows_the_count_in_constant_queries(
    admin_client, agent, vpn, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        record_solved(actor=factories.RequesterFactory(), article_id=vpn.pk)
    with django_assert_max_num_queries(12):
        solves = admin_client.get("/admin/kb/articlesolve/")
    assert solves.status_code == 200 and solves.content.decode().count(vpn.title) >= rows
    with django_assert_max_num_queries(12):
        listing = admin_client.get("/admin/kb/article/").content.decode()
    assert f'<td class="field-solved_count">{rows}</td>' in listing
