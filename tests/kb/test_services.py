"""Writes to the knowledge base: versions, rendering, permissions, articles from resolved
tickets, votes, and marking a suggestion as used."""

import pytest

from core.exceptions import DomainValidationError, NotPermitted
from core.models import AuditLog
from kb.actions import articles, feedback
from kb.models import Article, ArticleStatus, ArticleUse, ArticleVersion
from tests import factories
from tests.kb.factories import article, resolved_ticket
from tickets.models import Ticket, TimelineEntry

pytestmark = pytest.mark.django_db


def test_saving_renders_sanitised_html_and_versions(agent):
    # given a draft
    draft = article(actor=agent, title="VPN", body="Click <script>x</script>", status="draft")
    assert draft.version == 1 and draft.published_at is None
    assert "<script>" not in draft.body_html
    # when it is published with new content
    published = articles.save_article(
        actor=agent, article_id=draft.pk, title="VPN", body="**Restart** it", status="published"
    )
    # then a second version exists and it is published
    assert published.version == 2
    assert published.published_at is not None
    assert "<strong>Restart</strong>" in published.body_html
    assert list(ArticleVersion.objects.filter(article=draft).values_list("number", flat=True)) == [
        2,
        1,
    ]
    assert AuditLog.objects.filter(action="kb.article_saved").count() == 2


def test_saving_the_same_content_makes_no_new_version(agent):
    first = article(actor=agent, title="Same", body="Body", category="vpn")
    again = articles.save_article(
        actor=agent,
        article_id=first.pk,
        title="Same",
        body="Body",
        category="VPN ",
        status="published",
    )
    assert again.version == 1
    assert ArticleVersion.objects.filter(article=first).count() == 1


def test_requesters_cannot_write(requester):
    with pytest.raises(NotPermitted):
        articles.save_article(actor=requester, title="x", body="y")


def test_invalid_article_is_refused(agent):
    with pytest.raises(DomainValidationError) as error:
        articles.save_article(actor=agent, title=" ", body="", status="secret")
    assert set(error.value.errors) == {"title", "content", "status"}


def test_article_from_a_resolved_ticket(agent, team):
    ticket = resolved_ticket(
        owner=agent,
        team=team,
        title="VPN drops every hour",
        description="Tunnel drops.",
        resolution="Reinstalled the client.",
        category="vpn",
    )
    draft = articles.create_article_from_ticket(actor=agent, ticket_id=ticket.pk)
    assert draft.status == ArticleStatus.DRAFT
    assert draft.source_ticket_id == ticket.pk
    assert draft.title == "VPN drops every hour"
    assert "Reinstalled the client." in draft.body and "Tunnel drops." in draft.body
    assert draft.category == "vpn"
    assert TimelineEntry.objects.filter(
        ticket=ticket, visibility="internal", content__contains="Knowledge base draft"
    ).exists()


def test_article_from_an_open_or_invisible_ticket_is_refused(agent, other_agent, ticket, team):
    with pytest.raises(DomainValidationError):
        articles.create_article_from_ticket(actor=agent, ticket_id=ticket.pk)
    resolved = resolved_ticket(owner=agent, team=team)
    with pytest.raises(Ticket.DoesNotExist):
        articles.create_article_from_ticket(actor=other_agent, ticket_id=resolved.pk)


def test_votes_count_once_per_person_and_can_change(requester, agent):
    piece = article(actor=agent)
    feedback.vote(actor=requester, article_id=piece.pk, helpful=True)
    feedback.vote(actor=agent, article_id=piece.pk, helpful=True)
    feedback.vote(actor=requester, article_id=piece.pk, helpful=False)
    piece.refresh_from_db()
    assert (piece.helpful_count, piece.not_helpful_count) == (1, 1)


def test_requesters_cannot_vote_on_drafts(requester, agent):
    draft = article(actor=agent, status="draft")
    with pytest.raises(Article.DoesNotExist):
        feedback.vote(actor=requester, article_id=draft.pk, helpful=True)


def test_marking_used_counts_once_per_ticket(agent, ticket, team):
    piece = article(actor=agent)
    use, created = feedback.mark_used(actor=agent, ticket_id=ticket.pk, article_id=piece.pk)
    again, created_again = feedback.mark_used(actor=agent, ticket_id=ticket.pk, article_id=piece.pk)
    other = factories.TicketFactory(team=team)
    feedback.mark_used(actor=agent, ticket_id=other.pk, article_id=piece.pk, score=0.7)
    piece.refresh_from_db()
    assert (created, created_again, use.pk) == (True, False, again.pk)
    assert piece.used_count == 2
    assert ArticleUse.objects.get(ticket=other).score == 0.7
    assert (
        TimelineEntry.objects.filter(ticket=ticket, content__contains="article used").count() == 1
    )


def test_marking_used_needs_staff_a_visible_ticket_and_a_published_article(
    agent, other_agent, requester, ticket
):
    draft = article(actor=agent, status="draft")
    published = article(actor=agent)
    with pytest.raises(DomainValidationError):
        feedback.mark_used(actor=agent, ticket_id=ticket.pk, article_id=draft.pk)
    with pytest.raises(Ticket.DoesNotExist):
        feedback.mark_used(actor=other_agent, ticket_id=ticket.pk, article_id=published.pk)
    with pytest.raises(NotPermitted):
        feedback.mark_used(actor=requester, ticket_id=ticket.pk, article_id=published.pk)


def test_seed_demo_articles_is_idempotent(db):
    first = articles.seed_demo_articles()
    assert first >= 10
    assert articles.seed_demo_articles() == 0
    assert Article.objects.filter(status=ArticleStatus.PUBLISHED).count() == first
    assert all(a.body_html for a in Article.objects.all())
