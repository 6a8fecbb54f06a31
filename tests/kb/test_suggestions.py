"""Suggestions for a ticket: ranked published articles for anyone who sees the ticket;
similar resolved tickets (TF-IDF cosine over title, description, resolution) for staff only,
and only among tickets they may see."""

import pytest

from kb import suggestions
from tests import factories
from tests.kb.factories import article, resolved_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def vpn_ticket(team, requester):
    return factories.TicketFactory(
        team=team,
        requester=requester.contact,
        title="VPN disconnects when laptop sleeps",
        description="The vpn client drops the tunnel after sleep.",
    )


def test_articles_are_ranked_with_score_and_why(demo_articles, agent, vpn_ticket):
    found = suggestions.suggest_for_ticket(user=agent, ticket=vpn_ticket)
    assert found.articles[0].article.title == "Reconnect the VPN client after it drops"
    assert 0 < found.articles[0].score <= 1
    assert "'vpn'" in found.articles[0].why
    scores = [s.score for s in found.articles]
    assert scores == sorted(scores, reverse=True)


def test_drafts_are_never_suggested(agent, vpn_ticket):
    article(actor=agent, title="VPN sleep fix", body="vpn laptop sleep tunnel", status="draft")
    assert suggestions.suggest_for_ticket(user=agent, ticket=vpn_ticket).articles == []


def test_similar_resolved_tickets_for_staff_only_among_visible(
    agent, other_team, requester, vpn_ticket, team
):
    mine = resolved_ticket(
        owner=agent,
        team=team,
        title="VPN tunnel drops after sleep",
        description="vpn disconnects",
        resolution="Disabled power saving on the network adapter.",
    )
    foreign = resolved_ticket(
        owner=factories.AgentFactory(teams=[other_team]),
        team=other_team,
        title="VPN tunnel drops after sleep",
        description="vpn disconnects (secret internal detail)",
        resolution="Internal only fix.",
    )
    resolved_ticket(owner=agent, team=team, title="Printer jam", description="paper")
    factories.TicketFactory(team=team, title="VPN disconnects after sleep")  # open: not similar

    for_agent = suggestions.suggest_for_ticket(user=agent, ticket=vpn_ticket)
    assert [s.ticket.pk for s in for_agent.tickets] == [mine.pk]
    assert for_agent.tickets[0].score > 0.2 and "vpn" in for_agent.tickets[0].why

    manager = factories.ManagerFactory()
    assert {s.ticket.pk for s in suggestions.similar_tickets(user=manager, ticket=vpn_ticket)} == {
        mine.pk,
        foreign.pk,
    }
    assert suggestions.suggest_for_ticket(user=requester, ticket=vpn_ticket).tickets == []


def test_a_resolved_ticket_is_not_similar_to_itself(agent, team):
    done = resolved_ticket(owner=agent, team=team, title="Outlook crashes", description="x")
    assert suggestions.similar_tickets(user=agent, ticket=done) == []


def test_the_index_follows_new_articles(agent, vpn_ticket):
    assert suggestions.suggest_for_ticket(user=agent, ticket=vpn_ticket).articles == []
    new = article(actor=agent, title="VPN after sleep", body="Reconnect the tunnel.")
    found = suggestions.suggest_for_ticket(user=agent, ticket=vpn_ticket).articles
    assert [s.article.pk for s in found] == [new.pk]


def test_suggest_articles_for_typed_text(demo_articles):
    found = suggestions.suggest_articles(title="printer jammed", description="")
    assert found[0].article.title == "Printer shows paper jam"
    assert suggestions.suggest_articles(title="the and of", description="") == []
