"""What might help with a ticket: published articles and similar resolved tickets, ranked by
TF-IDF cosine similarity (scikit-learn) with a score in [0, 1] and why (the shared terms
that weigh most).

The article index is kb.search's; the resolved-ticket index covers the title, description and
resolution of the most recent resolved or closed tickets, fitted once per process and refitted
when that set changes. Requesters never get similar tickets: other people's tickets, their
descriptions and resolutions are not theirs to read. Staff get only tickets they may see
(tickets.selectors.visible_tickets). A fixed number of queries whatever the corpus size."""

import threading
from dataclasses import dataclass, field

from django.db.models import Count, Max

from core.roles import is_staff_role
from kb.models import Article, ArticleStatus
from kb.search import article_index
from kb.text import Document, TfidfIndex
from tickets.lifecycle import CLOSED_STATUSES
from tickets.models import Ticket
from tickets.selectors import visible_tickets

DONE = CLOSED_STATUSES
MAX_INDEXED_TICKETS = 20_000
CANDIDATES = 50
MIN_SCORE = 0.05


@dataclass(frozen=True)
class ArticleSuggestion:
    article: Article
    score: float
    why: str


@dataclass(frozen=True)
class TicketSuggestion:
    ticket: Ticket
    score: float
    why: str


@dataclass(frozen=True)
class Suggestions:
    articles: list[ArticleSuggestion] = field(default_factory=list)
    tickets: list[TicketSuggestion] = field(default_factory=list)


def query_text(title: str, description: str) -> str:
    # The title twice: its words say more about the problem than the description's.
    return f"{title}\n{title}\n{description}"


def suggest_articles(*, title: str, description: str = "", limit: int = 5):
    """Published articles like this text, best first. Two queries."""
    hits = article_index().search(
        query_text(title, description), limit=CANDIDATES, min_score=MIN_SCORE
    )
    if not hits:
        return []
    published = Article.objects.filter(
        pk__in=[hit.id for hit in hits], status=ArticleStatus.PUBLISHED
    ).in_bulk()
    return [
        ArticleSuggestion(published[hit.id], hit.score, hit.why)
        for hit in hits
        if hit.id in published
    ][:limit]


def suggest_for_ticket(*, user, ticket: Ticket, limit: int = 5) -> Suggestions:
    """Articles for anyone who may see the ticket; similar resolved tickets for staff only."""
    articles = suggest_articles(title=ticket.title, description=ticket.description, limit=limit)
    if not is_staff_role(user):
        return Suggestions(articles=articles)
    return Suggestions(articles=articles, tickets=similar_tickets(user=user, ticket=ticket))


def similar_tickets(*, user, ticket: Ticket, limit: int = 5) -> list[TicketSuggestion]:
    hits = ticket_index().search(
        query_text(ticket.title, ticket.description), limit=CANDIDATES, min_score=MIN_SCORE
    )
    hits = [hit for hit in hits if hit.id != ticket.pk]
    if not hits:
        return []
    visible = (
        visible_tickets(user)
        .filter(pk__in=[hit.id for hit in hits], status__in=DONE)
        .only("id", "reference", "title", "status", "category", "resolution", "resolved_at")
        .in_bulk()
    )
    return [
        TicketSuggestion(visible[hit.id], hit.score, hit.why) for hit in hits if hit.id in visible
    ][:limit]


# --- the resolved-ticket index --------------------------------------------------------------


class _TicketIndexCache:
    def __init__(self) -> None:
        self.key = None
        self.index: TfidfIndex | None = None
        self.lock = threading.Lock()


_tickets = _TicketIndexCache()


def _ticket_corpus_key() -> tuple:
    state = Ticket.objects.filter(status__in=DONE).aggregate(
        count=Count("pk"), resolved=Max("resolved_at"), changed=Max("updated_at")
    )
    return tuple(sorted(state.items()))


def ticket_index() -> TfidfIndex:
    key = _ticket_corpus_key()
    with _tickets.lock:
        if _tickets.key != key or _tickets.index is None:
            rows = (
                Ticket.objects.filter(status__in=DONE)
                .order_by("-resolved_at", "pk")
                .values_list("pk", "title", "description", "resolution")[:MAX_INDEXED_TICKETS]
            )
            documents = [
                Document(pk, title, f"{description}\n{resolution}")
                for pk, title, description, resolution in rows
            ]
            _tickets.index = TfidfIndex(documents)
            _tickets.key = key
        return _tickets.index
