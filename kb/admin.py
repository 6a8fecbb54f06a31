from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.admin_mixins import AppendOnlyAdminMixin, ReadOnlyAdminMixin
from core.exceptions import DomainError
from core.markdown import render_markdown
from kb.actions import articles
from kb.models import (
    Article,
    ArticleSolve,
    ArticleStatus,
    ArticleUse,
    ArticleVersion,
    ArticleVote,
)


class ArticleVersionInline(admin.TabularInline):
    model = ArticleVersion
    fields = ("number", "title", "status", "edited_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ArticleAdminForm(forms.ModelForm):
    tags = forms.CharField(required=False, help_text="Comma-separated.")

    class Meta:
        model = Article
        fields = ("title", "body", "category", "tags", "status")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tags"] = ", ".join(self.instance.tags)

    def clean_tags(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]


HISTORY_FIELDS = (
    "version", "author", "source_ticket", "helpful_count", "not_helpful_count", "used_count",
    "solved_count", "published_at", "created_at", "updated_at",
)  # fmt: skip


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = (
        "title", "category", "status", "version", "helpful_count", "not_helpful_count",
        "used_count", "solved_count", "updated_at",
    )  # fmt: skip
    list_filter = ("status", "category")
    search_fields = ("title", "body")
    readonly_fields = ("preview", *HISTORY_FIELDS)
    fieldsets = (
        (None, {"fields": ("title", "category", "tags", "status", "body")}),
        ("Preview (rendered and sanitised, as readers see it)", {"fields": ("preview",)}),
        ("History and counters", {"fields": HISTORY_FIELDS}),
    )
    inlines = [ArticleVersionInline]
    list_select_related = ("author",)

    @admin.display(description="Preview")
    def preview(self, article: Article):
        # body_html is stored sanitised; rendering again shows the current sanitiser's output.
        html = render_markdown(article.body) if article.pk else ""
        return format_html('<div class="kb-preview">{}</div>', mark_safe(html))  # noqa: S308

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        try:
            saved = articles.save_article(
                actor=request.user,
                article_id=obj.pk if change else None,
                title=data["title"],
                body=data["body"],
                category=data.get("category", ""),
                tags=data.get("tags", []),
                status=data.get("status", ArticleStatus.DRAFT),
            )
        except DomainError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        obj.pk = saved.pk
        obj.refresh_from_db()


@admin.register(ArticleUse)
class ArticleUseAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    """Uses feed the articles' counters: written by kb.feedback.mark_used only."""

    list_display = ("article", "ticket", "used_by", "score", "created_at")
    list_select_related = ("article", "ticket", "used_by")


@admin.register(ArticleVersion)
class ArticleVersionAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("article", "number", "title", "status", "edited_by", "created_at")
    list_select_related = ("article", "edited_by")
    search_fields = ("title",)


@admin.register(ArticleVote)
class ArticleVoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("article", "user", "helpful", "updated_at")
    list_select_related = ("article", "user")
    list_filter = ("helpful",)


@admin.register(ArticleSolve)
class ArticleSolveAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Written by kb.actions.solved only: who said which article solved their problem."""

    list_display = ("article", "user", "ticket", "created_at")
    list_select_related = ("article", "user", "ticket")
