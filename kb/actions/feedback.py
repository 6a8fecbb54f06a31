"""What agents and readers tell about articles: helpful or not (votes), and which article
helped on which ticket (uses, noted on the ticket's timeline)."""

from django.db import transaction
from django.db.models import Count, F, Q

from core.audit import as_user, record_audit
from core.exceptions import DomainValidationError, NotPermitted
from core.roles import is_staff_role
from kb.models import Article, ArticleStatus, ArticleUse, ArticleVote
from kb.selectors import lock_article, visible_articles
from tickets.actions.timeline import add_system_note
from tickets.models import Ticket
from tickets.selectors import visible_tickets


@transaction.atomic
def vote(*, actor, article_id: int, helpful: bool) -> Article:
    """Helpful or not: one vote per person and article (voting again changes it). The
    counters are recounted from the votes, so concurrent voters cannot skew them."""
    if not visible_articles(actor).filter(pk=article_id).exists():
        raise Article.DoesNotExist("No such article.")
    user = as_user(actor)
    if user is None:
        raise NotPermitted("Only people vote.")
    article = lock_article(article_id)
    ArticleVote.objects.update_or_create(
        article=article, user=user, defaults={"helpful": bool(helpful)}
    )
    counts = ArticleVote.objects.filter(article=article).aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    Article.objects.filter(pk=article.pk).update(
        helpful_count=counts["yes"], not_helpful_count=counts["no"]
    )
    article.helpful_count, article.not_helpful_count = counts["yes"], counts["no"]
    return article


@transaction.atomic
def mark_used(*, actor, ticket_id, article_id: int, score: float = 0.0) -> tuple[ArticleUse, bool]:
    """An agent used this (published) article on this ticket. Counted once per ticket and
    article; the timeline notes it (internal). Returns the use and whether it is new."""
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins mark suggestions as used.")
    ticket = visible_tickets(actor).filter(pk=ticket_id).first()
    if ticket is None:
        raise Ticket.DoesNotExist("No such ticket.")
    article = Article.objects.filter(pk=article_id, status=ArticleStatus.PUBLISHED).first()
    if article is None:
        raise DomainValidationError({"article": ["No published article with this id."]})
    use, created = ArticleUse.objects.get_or_create(
        article=article,
        ticket=ticket,
        defaults={"used_by": as_user(actor), "score": max(0.0, min(float(score), 1.0))},
    )
    if created:
        Article.objects.filter(pk=article.pk).update(used_count=F("used_count") + 1)
        add_system_note(
            ticket_id=ticket.pk,
            content=f"Knowledge base article used: {article.title}.",
            actor=actor,
        )
        record_audit(
            actor=actor, action="kb.article_used", ticket=ticket, data={"article": article.pk}
        )
    article.refresh_from_db(fields=["used_count"])
    use.article = article
    return use, created
