"""/api/v1/kb/articles/ and /api/v1/tickets/<id>/suggestions/: visibility, writes, ranking,
sanitising, votes, marking used, errors and query counts."""

import pytest
from rest_framework.test import APIClient

from kb.models import Article, ArticleUse
from tests import factories
from tests.kb.factories import article, resolved_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def test_requesters_see_published_articles_only(api, requester, agent):
    published = article(actor=agent, title="Published")
    draft = article(actor=agent, title="Draft", status="draft")
    archived = article(actor=agent, title="Old", status="published")
    archived.status = "archived"
    archived.save()
    response = as_user(api, requester).get("/api/v1/kb/articles/")
    assert response.status_code == 200
    assert [a["id"] for a in response.json()["results"]] == [published.pk]
    assert api.get(f"/api/v1/kb/articles/{draft.pk}/").status_code == 404
    assert api.get(f"/api/v1/kb/articles/{archived.pk}/").status_code == 404
    staff = as_user(APIClient(), agent).get("/api/v1/kb/articles/?status=draft").json()
    assert [a["id"] for a in staff["results"]] == [draft.pk]


def test_q_ranks_published_articles(api, requester, demo_articles):
    body = as_user(api, requester).get("/api/v1/kb/articles/?q=printer jammed paper").json()
    assert body["results"][0]["title"] == "Printer shows paper jam"
    scores = [a["score"] for a in body["results"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_agents_write_articles_and_the_html_is_sanitised(api, agent):
    response = as_user(api, agent).post(
        "/api/v1/kb/articles/",
        {
            "title": "Hostile",
            "content": "[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n**ok**",
            "category": "Security",
            "status": "published",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "published" and body["version"] == 1
    assert body["category"] == "security"
    assert "<strong>ok</strong>" in body["content_html"]
    assert "<img src" not in body["content_html"]
    assert 'href="javascript' not in body["content_html"]
    assert body["author"]["id"] == agent.pk


def test_requesters_cannot_write(api, requester):
    response = as_user(api, requester).post(
        "/api/v1/kb/articles/", {"title": "x", "content": "y", "status": "published"}
    )
    assert response.status_code == 403
    assert "errors" in response.json()


def test_invalid_input_is_a_400_with_field_errors(api, agent):
    as_user(api, agent)
    response = api.post("/api/v1/kb/articles/", {"title": "", "content": "y", "status": "archived"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"title", "status"}
    unknown = api.post("/api/v1/kb/articles/", {"title": "t", "content": "y", "author": 1})
    assert unknown.status_code == 400
    assert set(unknown.json()["errors"]) == {"author"}


def test_patch_makes_a_new_version_and_can_archive(api, agent):
    piece = article(actor=agent, title="First")
    response = as_user(api, agent).patch(
        f"/api/v1/kb/articles/{piece.pk}/", {"content": "Second body"}
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    archived = api.patch(f"/api/v1/kb/articles/{piece.pk}/", {"status": "archived"}).json()
    assert archived["status"] == "archived" and archived["version"] == 3


def test_votes(api, requester, agent):
    piece = article(actor=agent)
    response = as_user(api, requester).post(
        f"/api/v1/kb/articles/{piece.pk}/vote/", {"helpful": True}
    )
    assert response.status_code == 200
    assert response.json()["helpful_count"] == 1
    assert api.post(f"/api/v1/kb/articles/{piece.pk}/vote/", {}).status_code == 400


def test_unknown_ids_are_404_and_anonymous_401(api, agent):
    assert APIClient().get("/api/v1/kb/articles/").status_code == 401
    as_user(api, agent)
    assert api.get("/api/v1/kb/articles/999999/").status_code == 404
    assert api.get("/api/v1/kb/articles/abc/").status_code == 404
    assert api.get("/api/v1/kb/articles/99999999999999999999999/").status_code == 404


def test_suggestions_for_a_requester_hold_no_other_tickets(api, requester, agent, team):
    article(actor=agent, title="VPN drops", body="Reconnect the vpn.")
    resolved_ticket(
        owner=agent,
        team=team,
        title="VPN drops",
        description="SECRET-INTERNAL vpn text",
        resolution="SECRET-RESOLUTION",
    )
    mine = factories.TicketFactory(team=team, requester=requester.contact, title="VPN drops")
    response = as_user(api, requester).get(f"/api/v1/tickets/{mine.pk}/suggestions/")
    assert response.status_code == 200
    body = response.json()
    assert [s["article"]["title"] for s in body["articles"]] == ["VPN drops"]
    assert body["similar_tickets"] == []
    assert "SECRET" not in response.content.decode()
    other = factories.TicketFactory(team=team, title="VPN drops")
    assert api.get(f"/api/v1/tickets/{other.pk}/suggestions/").status_code == 404


def test_suggestions_for_an_agent_include_similar_resolved_tickets(api, agent, team):
    done = resolved_ticket(
        owner=agent, team=team, title="Outlook crashes on start", resolution="Safe mode fixed it."
    )
    ticket = factories.TicketFactory(team=team, title="Outlook crashes", description="on start")
    body = as_user(api, agent).get(f"/api/v1/tickets/{ticket.pk}/suggestions/").json()
    assert body["similar_tickets"][0]["ticket"]["id"] == str(done.pk)
    assert body["similar_tickets"][0]["ticket"]["resolution"] == "Safe mode fixed it."
    assert "outlook" in body["similar_tickets"][0]["why"]


def _corpus(n: int, agent, team):
    for i in range(n):
        article(actor=agent, title=f"Printer problem {i}", body=f"printer toner tray {i}")
        resolved_ticket(owner=agent, team=team, title=f"Printer toner {i}", description="tray")


@pytest.mark.parametrize("rows", [5, 50])
def test_suggestions_cost_the_same_queries_whatever_the_corpus(
    api, agent, team, rows, django_assert_max_num_queries
):
    _corpus(rows, agent, team)
    ticket = factories.TicketFactory(team=team, title="Printer toner empty", description="tray")
    as_user(api, agent)
    api.get(f"/api/v1/tickets/{ticket.pk}/suggestions/")  # warm: indexes fitted
    with django_assert_max_num_queries(7):
        response = api.get(f"/api/v1/tickets/{ticket.pk}/suggestions/?limit=20")
    assert len(response.json()["articles"]) == min(rows, 20)


@pytest.mark.parametrize("rows", [5, 50])
def test_article_list_query_count(api, agent, rows, django_assert_max_num_queries):
    for i in range(rows):
        article(actor=agent, title=f"Article {i}", body="vpn")
    as_user(api, agent)
    with django_assert_max_num_queries(4):
        api.get("/api/v1/kb/articles/?page_size=100")
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/kb/articles/?q=vpn").json()["count"] == rows


def test_mark_used(api, agent, ticket, requester):
    piece = article(actor=agent)
    as_user(api, agent)
    url = f"/api/v1/tickets/{ticket.pk}/suggestions/used/"
    first = api.post(url, {"article": piece.pk, "score": 0.42})
    assert first.status_code == 201
    assert first.json() == {
        "article": piece.pk,
        "ticket": str(ticket.pk),
        "used_count": 1,
        "created": True,
    }
    again = api.post(url, {"article": piece.pk})
    assert again.status_code == 200 and again.json()["used_count"] == 1
    assert ArticleUse.objects.get().score == 0.42
    assert api.post(url, {"article": 424242}).status_code == 400
    assert as_user(APIClient(), requester).post(url, {"article": piece.pk}).status_code == 403
    assert Article.objects.get(pk=piece.pk).used_count == 1
