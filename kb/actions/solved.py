"""A requester says a suggested article solved their problem. Counted once per person and
article (Article.solved_count, recounted from the rows so that concurrent clicks cannot skew
it). Before a ticket exists nothing else happens: no ticket is opened. On the requester's own
ticket, the ticket is resolved through the ticket services (tickets.actions.self_service)."""

from dataclasses import dataclass

from django.db import transaction

from core.audit import as_user, record_audit
from core.exceptions import NotPermitted
from core.roles import Role, role_of
from kb.models import Article, ArticleSolve, ArticleStatus
from kb.selectors import lock_article
from tickets.actions.self_service import resolve_by_requester
from tickets.models import Ticket
from tickets.selectors import visible_tickets


@dataclass(frozen=True)
class Solved:
    article: Article
    counted: bool  # False: this person had said so before
    ticket: Ticket | None


@transaction.atomic
def record_solved(*, actor, article_id: int, ticket_id=None) -> Solved:
    if role_of(actor) != Role.REQUESTER:
        raise NotPermitted("Only requesters say an article solved their problem.")
    if not Article.objects.filter(pk=article_id, status=ArticleStatus.PUBLISHED).exists():
        raise Article.DoesNotExist("No such article.")
    ticket = None
    if ticket_id is not None and not visible_tickets(actor).filter(pk=ticket_id).exists():
        raise Ticket.DoesNotExist("No such ticket.")
    article = lock_article(article_id)
    if ticket_id is not None:
        ticket = resolve_by_requester(
            ticket_id=ticket_id,
            actor=actor,
            resolution=f"Solved by the knowledge-base article '{article.title}'.",
        )
    _, counted = ArticleSolve.objects.get_or_create(
        article=article, user=as_user(actor), defaults={"ticket": ticket}
    )
    if counted:
        article.solved_count = ArticleSolve.objects.filter(article=article).count()
        Article.objects.filter(pk=article.pk).update(solved_count=article.solved_count)
        record_audit(
            actor=actor,
            action="kb.article_solved",
            ticket=ticket,
            data={"article": article.pk, "on_ticket": ticket is not None},
        )
    return Solved(article=article, counted=counted, ticket=ticket)
