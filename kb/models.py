"""Knowledge base: articles (Markdown, rendered and sanitised on save), their version history,
votes, and the uses of an article to resolve a ticket.

Written only through kb.actions. On PostgreSQL ``search_vector`` holds the weighted tsvector
(title A, body B) behind a GIN index; on SQLite it stays empty and kb.search ranks with TF-IDF.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Article(models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown. Raw HTML is not rendered.")
    body_html = models.TextField(editable=False, help_text="Rendered and sanitised body.")
    category = models.CharField(max_length=100, blank=True, db_index=True)
    tags = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kb_articles",
    )
    source_ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kb_articles",
        help_text="The resolved ticket this article was written from.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    helpful_count = models.PositiveIntegerField(default=0, editable=False)
    not_helpful_count = models.PositiveIntegerField(default=0, editable=False)
    used_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Times an agent marked it as used to resolve a ticket."
    )
    solved_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Requesters who said it solved their problem (kb.actions.solved).",
    )
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            # Created on PostgreSQL only (see migration 0001): SQLite has no GIN.
            GinIndex(fields=["search_vector"], name="kb_article_search_gin"),
            models.Index(fields=["status", "category"], name="kb_article_status_cat_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED


class ArticleVersion(models.Model):
    """What an article said at each version (a row per saved change of its content)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    category = models.CharField(max_length=100, blank=True)
    tags = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=ArticleStatus.choices)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_version_number_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class ArticleVote(models.Model):
    """One person's helpful / not helpful vote; voting again changes it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="kb_vote_article_user_uniq")
        ]

    def __str__(self) -> str:
        return f"{'+' if self.helpful else '-'}1 on {self.article_id}"


class ArticleUse(models.Model):
    """An agent marked this article as used to resolve this ticket (once per pair)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="uses")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="kb_uses")
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    score = models.FloatField(default=0.0, help_text="The suggestion's score when it was used.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["article", "ticket"], name="kb_use_article_ticket_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} used on {self.ticket_id}"


class ArticleSolve(models.Model):
    """A requester said this article solved their problem: before opening a ticket (none was
    opened) or on their ticket's page (the ticket was resolved). Once per person and article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="solves")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kb_solves",
        help_text="The ticket it resolved; empty when no ticket was opened.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="kb_solve_article_user_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} solved for {self.user_id}"
