"""Reads for the knowledge base. ``visible_articles`` decides who sees which article:
requesters (and anyone without a staff role) published ones only; agents, managers and admins
every article."""

from django.db.models import QuerySet

from core.roles import Role, is_staff_role, role_of
from kb.models import Article, ArticleStatus


def visible_articles(user) -> QuerySet[Article]:
    articles = Article.objects.select_related("author")
    if is_staff_role(user):
        return articles
    if role_of(user) == Role.REQUESTER:
        return articles.filter(status=ArticleStatus.PUBLISHED)
    return articles.none()


def published_articles() -> QuerySet[Article]:
    return Article.objects.filter(status=ArticleStatus.PUBLISHED)


def lock_article(article_id) -> Article:
    return Article.objects.select_for_update().get(pk=article_id)
