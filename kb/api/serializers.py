"""KB API shapes. Input serializers validate only; the views call kb.actions."""

from rest_framework import serializers

from core.api.fields import PersonSerializer, StrictInputSerializer
from kb.models import Article, ArticleStatus


class ArticleSerializer(serializers.ModelSerializer):
    content = serializers.CharField(source="body", read_only=True)
    content_html = serializers.CharField(source="body_html", read_only=True)
    author = PersonSerializer(read_only=True, allow_null=True)
    source_ticket = serializers.UUIDField(
        source="source_ticket_id", read_only=True, allow_null=True
    )
    score = serializers.SerializerMethodField(
        help_text="Relevance to `q` (only when searching), higher is better."
    )

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "content",
            "content_html",
            "category",
            "tags",
            "status",
            "author",
            "version",
            "helpful_count",
            "not_helpful_count",
            "used_count",
            "source_ticket",
            "score",
            "created_at",
            "updated_at",
            "published_at",
        ]
        read_only_fields = fields

    def get_score(self, article) -> float | None:
        rank = getattr(article, "rank", None)
        return None if rank is None else round(float(rank), 4)


class ArticleWriteSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=200_000)
    category = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, default=list, max_length=20
    )
    status = serializers.ChoiceField(
        choices=[ArticleStatus.DRAFT, ArticleStatus.PUBLISHED], default=ArticleStatus.DRAFT
    )


class ArticleUpdateSerializer(ArticleWriteSerializer):
    """PATCH: any subset; an article may also be archived."""

    title = serializers.CharField(max_length=200, required=False)
    content = serializers.CharField(max_length=200_000, required=False)
    category = serializers.CharField(max_length=100, required=False, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=20
    )
    status = serializers.ChoiceField(choices=ArticleStatus.choices, required=False)


class VoteSerializer(StrictInputSerializer):
    helpful = serializers.BooleanField()


class ArticleRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.CharField()


class ArticleSuggestionSerializer(serializers.Serializer):
    article = ArticleRefSerializer()
    score = serializers.FloatField(help_text="Cosine similarity in [0, 1].")
    why = serializers.CharField()


class TicketRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    category = serializers.CharField()
    resolution = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)


class TicketSuggestionSerializer(serializers.Serializer):
    ticket = TicketRefSerializer()
    score = serializers.FloatField(help_text="Cosine similarity in [0, 1].")
    why = serializers.CharField()


class SuggestionsSerializer(serializers.Serializer):
    articles = ArticleSuggestionSerializer(many=True)
    similar_tickets = TicketSuggestionSerializer(
        many=True, source="tickets", help_text="Staff only; always empty for requesters."
    )


class RequesterArticleSuggestionSerializer(serializers.Serializer):
    """A requester's suggestion: the article only, no score and no reason of the match."""

    article = ArticleRefSerializer()


class RequesterSuggestionsSerializer(serializers.Serializer):
    articles = RequesterArticleSuggestionSerializer(many=True)
    similar_tickets = serializers.SerializerMethodField()

    def get_similar_tickets(self, found) -> list:
        return []


class MarkUsedSerializer(StrictInputSerializer):
    article = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    score = serializers.FloatField(required=False, default=0.0, min_value=0.0, max_value=1.0)


class ArticleUseSerializer(serializers.Serializer):
    article = serializers.IntegerField(source="article_id")
    ticket = serializers.UUIDField(source="ticket_id")
    used_count = serializers.IntegerField(source="article.used_count")
    created = serializers.BooleanField()
