"""Article search ranked by relevance, one API whatever the database.

PostgreSQL: the stored ``search_vector`` (title weight A, body weight B, kept by
kb.actions on every save) is matched with an OR of the query's words and ordered by
SearchRank, using the GIN index. SQLite (the embedded default): a scikit-learn TF-IDF index
over all articles, fitted once per process and refitted when the articles change, ranks by
cosine similarity. Both return the caller's queryset filtered to the matches, annotated with
``rank`` and ordered best first."""

import re
import threading

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, Count, F, FloatField, Max, Q, QuerySet, Sum, Value, When

from core.markdown import plain_text
from kb.models import Article
from kb.text import Document, TfidfIndex

SEARCH_CONFIG = "english"
MAX_RESULTS = 200
_WORD = re.compile(r"\w+", re.UNICODE)


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def search_vector():
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "body", weight="B", config=SEARCH_CONFIG
    )


def refresh_search_vector(article_ids) -> None:
    """Store the weighted tsvector of these articles (PostgreSQL; nothing to do elsewhere)."""
    if uses_postgres():
        Article.objects.filter(pk__in=list(article_ids)).update(search_vector=search_vector())


def search(articles: QuerySet[Article], text: str) -> QuerySet[Article]:
    """``articles`` (already narrowed to what the caller may see) matching ``text``, with
    ``rank``, best first. No words: nothing matches."""
    words = _WORD.findall(text or "")[:32]
    if not words:
        return articles.none()
    if uses_postgres():
        return _postgres_search(articles, words)
    return _tfidf_search(articles, " ".join(words))


def _postgres_search(articles: QuerySet[Article], words: list[str]) -> QuerySet[Article]:
    # to_tsquery with the words OR-ed: each is normalised (stemmed, stop words dropped) by the
    # config; only \w characters reach it, so no tsquery syntax can be injected.
    query = SearchQuery(" | ".join(words), search_type="raw", config=SEARCH_CONFIG)
    return (
        articles.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-updated_at", "pk")
    )


# --- the portable fallback ----------------------------------------------------------------


class _Cache:
    """One fitted index per process, keyed on what the articles look like now."""

    def __init__(self) -> None:
        self.key = None
        self.index: TfidfIndex | None = None
        self.lock = threading.Lock()


_articles_index = _Cache()


def _corpus_key() -> tuple:
    # Every content change bumps the version and updated_at; creations and deletions change
    # the count or the last id. One query.
    state = Article.objects.aggregate(
        count=Count("pk"), last_id=Max("pk"), last_change=Max("updated_at"), edits=Sum("version")
    )
    return tuple(sorted(state.items()))


def article_index() -> TfidfIndex:
    """The TF-IDF index over every article (title over plain-text body)."""
    key = _corpus_key()
    with _articles_index.lock:
        if _articles_index.key != key or _articles_index.index is None:
            rows = Article.objects.order_by("pk").values_list("pk", "title", "body")
            documents = [Document(pk, title, plain_text(body)) for pk, title, body in rows]
            _articles_index.index = TfidfIndex(documents)
            _articles_index.key = key
        return _articles_index.index


def _tfidf_search(articles: QuerySet[Article], text: str) -> QuerySet[Article]:
    hits = article_index().search(text, limit=MAX_RESULTS)
    if not hits:
        return articles.none()
    scores = {hit.id: hit.score for hit in hits}
    rank = Case(
        *[When(pk=pk, then=Value(score)) for pk, score in scores.items()],
        default=Value(0.0),
        output_field=FloatField(),
    )
    return (
        articles.filter(Q(pk__in=list(scores)))
        .annotate(rank=rank)
        .order_by("-rank", "-updated_at", "pk")
    )
