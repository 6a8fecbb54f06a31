"""The knowledge-base pages under /kb/ and their htmx fragments."""

import pytest

from kb.models import Article
from tests import factories
from tests.kb.factories import article, resolved_ticket

pytestmark = pytest.mark.django_db


def test_list_search_and_read(client, requester, demo_articles):
    client.force_login(requester)
    page = client.get("/kb/?q=printer+jam")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Printer shows paper jam") < html.index("</ol>")
    printer = Article.objects.get(title="Printer shows paper jam")
    detail = client.get(f"/kb/{printer.pk}/")
    assert detail.status_code == 200
    assert "Open the front tray" in detail.content.decode()


def test_the_page_shows_only_sanitised_html(client, agent):
    hostile = article(actor=agent, title="H", body="<script>alert(1)</script> [x](javascript:x)")
    client.force_login(agent)
    html = client.get(f"/kb/{hostile.pk}/").content.decode()
    assert "<script>alert(1)" not in html
    assert 'href="javascript' not in html


def test_requesters_do_not_see_drafts_or_the_editor(client, requester, agent):
    draft = article(actor=agent, title="Secret draft", status="draft")
    client.force_login(requester)
    assert client.get(f"/kb/{draft.pk}/").status_code == 404
    assert "Secret draft" not in client.get("/kb/").content.decode()
    assert client.get("/kb/new/").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/kb/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_agent_writes_and_edits_an_article(client, agent):
    client.force_login(agent)
    response = client.post(
        "/kb/new/",
        {"title": "Docking", "body": "Replug **it**", "category": "hardware", "status": "draft"},
    )
    created = Article.objects.get(title="Docking")
    assert response.status_code == 302 and response["Location"] == f"/kb/{created.pk}/"
    assert "<strong>it</strong>" in created.body_html
    edit = client.post(
        f"/kb/{created.pk}/edit/",
        {"title": "Docking", "body": "New", "category": "hardware", "status": "published"},
    )
    assert edit.status_code == 302
    created.refresh_from_db()
    assert (created.version, created.status) == (2, "published")
    invalid = client.post("/kb/new/", {"title": "", "body": "", "status": "draft"})
    assert invalid.status_code == 400


def test_create_article_from_a_resolution(client, agent, team):
    ticket = resolved_ticket(owner=agent, team=team, title="Fixed VPN", resolution="Reinstalled.")
    client.force_login(agent)
    response = client.post(f"/kb/from-ticket/{ticket.pk}/")
    draft = Article.objects.get(source_ticket=ticket)
    assert response.status_code == 302 and response["Location"] == f"/kb/{draft.pk}/edit/"
    assert draft.status == "draft" and "Reinstalled." in draft.body
    assert client.get(f"/kb/from-ticket/{ticket.pk}/").status_code == 405


def test_vote_from_the_page_with_htmx(client, requester, agent):
    piece = article(actor=agent)
    client.force_login(requester)
    response = client.post(f"/kb/{piece.pk}/vote/", {"helpful": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Thanks" in response.content.decode()
    piece.refresh_from_db()
    assert piece.helpful_count == 1


def test_suggest_fragment_for_the_create_form(client, requester, demo_articles):
    client.force_login(requester)
    response = client.get("/kb/suggest/", {"title": "vpn keeps dropping", "description": ""})
    assert response.status_code == 200
    assert "Reconnect the VPN client after it drops" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_ticket_fragment_hides_similar_tickets_from_requesters(client, requester, agent, team):
    article(actor=agent, title="VPN drops", body="vpn")
    resolved_ticket(owner=agent, team=team, title="VPN drops", resolution="INTERNAL-FIX")
    mine = factories.TicketFactory(team=team, requester=requester.contact, title="VPN drops")
    client.force_login(requester)
    html = client.get(f"/kb/tickets/{mine.pk}/suggestions/").content.decode()
    assert "VPN drops" in html and "INTERNAL-FIX" not in html and "Used this" not in html
    assert "score" not in html and "Shares" not in html  # no ranking internals either
    client.force_login(agent)
    html = client.get(f"/kb/tickets/{mine.pk}/suggestions/").content.decode()
    assert "INTERNAL-FIX" in html and "Used this" in html
    assert "score " in html and "Shares " in html


def test_mark_used_from_the_page(client, agent, ticket):
    piece = article(actor=agent)
    client.force_login(agent)
    response = client.post(
        f"/kb/tickets/{ticket.pk}/used/", {"article": piece.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    piece.refresh_from_db()
    assert piece.used_count == 1
    assert client.post(f"/kb/tickets/{ticket.pk}/used/", {"article": "x"}).status_code == 400
