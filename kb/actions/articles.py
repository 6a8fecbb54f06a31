"""Articles: saved (rendered, sanitised, versioned, their search vector refreshed), drafted
from a resolved ticket, and the demo set. Keyword-only, one transaction each."""

from django.db import transaction
from django.utils import timezone

from core.audit import as_user, record_audit
from core.exceptions import DomainValidationError, NotPermitted
from core.markdown import render_markdown
from core.roles import is_staff_role
from kb import search
from kb.demo import DEMO_ARTICLES
from kb.models import Article, ArticleStatus, ArticleVersion
from kb.selectors import lock_article
from tickets.actions.timeline import add_system_note
from tickets.lifecycle import CLOSED_STATUSES
from tickets.models import Ticket
from tickets.selectors import visible_tickets

CONTENT_FIELDS = ("title", "body", "category", "tags", "status")
MAX_TAGS = 20


def _clean_tags(tags) -> list[str]:
    cleaned: list[str] = []
    for tag in tags or ():
        tag = str(tag).strip().lower()[:50]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise DomainValidationError({"tags": [f"At most {MAX_TAGS} tags."]})
    return cleaned


def _validate(values: dict) -> None:
    errors: dict[str, list[str]] = {}
    if not values["title"].strip():
        errors["title"] = ["A title is required."]
    if not values["body"].strip():
        errors["content"] = ["The article needs some content."]
    if values["status"] not in ArticleStatus.values:
        errors["status"] = [f"Must be one of: {', '.join(ArticleStatus.values)}."]
    if errors:
        raise DomainValidationError(errors)


@transaction.atomic
def save_article(
    *,
    actor,
    article_id: int | None = None,
    title: str,
    body: str,
    category: str = "",
    tags=(),
    status: str = ArticleStatus.DRAFT,
    source_ticket=None,
) -> Article:
    """Create (no article_id) or change an article. A change of content makes a new version;
    saving the same content again changes nothing."""
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins write articles.")
    values = {
        "title": title.strip(),
        "body": body,
        "category": (category or "").strip().lower(),
        "tags": _clean_tags(tags),
        "status": status,
    }
    _validate(values)
    if article_id is None:
        article = Article(author=as_user(actor), source_ticket=source_ticket, version=0)
    else:
        article = lock_article(article_id)
        if all(getattr(article, name) == value for name, value in values.items()):
            return article
    _store(article=article, values=values, editor=as_user(actor))
    record_audit(
        actor=actor,
        action="kb.article_saved",
        data={"article": article.pk, "version": article.version, "status": article.status},
    )
    return article


def _store(*, article: Article, values: dict, editor) -> None:
    """Write the new content as the next version: HTML, history row, search vector."""
    for name, value in values.items():
        setattr(article, name, value)
    article.body_html = render_markdown(article.body)
    article.version += 1
    if article.status == ArticleStatus.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    article.save()
    ArticleVersion.objects.create(
        article=article, number=article.version, edited_by=editor, **values
    )
    search.refresh_search_vector([article.pk])


def draft_from_ticket(ticket) -> dict:
    """What an article written from a resolved ticket starts as (pure)."""
    sections = [f"## Problem\n\n{ticket.description.strip() or ticket.title}"]
    sections.append(f"## Resolution\n\n{ticket.resolution.strip()}")
    return {
        "title": ticket.title,
        "body": "\n\n".join(sections) + "\n",
        "category": ticket.category,
        "tags": [ticket.category] if ticket.category else [],
    }


@transaction.atomic
def create_article_from_ticket(*, actor, ticket_id) -> Article:
    """A draft article from a resolved (or closed) ticket's description and resolution, for
    the agent to edit and publish."""
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins write articles.")
    ticket = visible_tickets(actor).filter(pk=ticket_id).first()
    if ticket is None:
        raise Ticket.DoesNotExist("No such ticket.")
    if ticket.status not in CLOSED_STATUSES or not (ticket.resolution.strip()):
        raise DomainValidationError(
            {"non_field_errors": ["Only a resolved ticket with a resolution makes an article."]}
        )
    article = save_article(
        actor=actor, status=ArticleStatus.DRAFT, source_ticket=ticket, **draft_from_ticket(ticket)
    )
    add_system_note(
        ticket_id=ticket.pk, content=f"Knowledge base draft written: {article.title}.", actor=actor
    )
    return article


# --- demo data ------------------------------------------------------------------------------


def seed_demo_articles(*, author=None) -> int:
    """The demo knowledge base (published articles), created once: keyed by title."""
    created = 0
    for title, category, tags, body in DEMO_ARTICLES:
        if Article.objects.filter(title=title).exists():
            continue
        values = {
            "title": title,
            "body": body,
            "category": category,
            "tags": list(tags),
            "status": ArticleStatus.PUBLISHED,
        }
        with transaction.atomic():
            _store(article=Article(author=author, version=0), values=values, editor=author)
        created += 1
    return created
