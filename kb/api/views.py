"""KB endpoints: articles (requesters: published only; agents and up write), votes, and a
ticket's suggestions. Visibility comes from the selectors; writes call kb.actions."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import APIView, GenericViewSet
from core.api.permissions import IsAnyRole, IsStaffRole
from core.roles import is_staff_role
from kb import search, suggestions
from kb.actions import articles, feedback
from kb.api import serializers as s
from kb.models import Article, ArticleStatus
from kb.selectors import visible_articles
from tickets.selectors import visible_tickets

ERRORS = OpenApiResponse(description='{"errors": {"<field>": ["message"]}}')


def _input(serializer_class, request: Request, **kwargs) -> dict:
    data = request.data if request.data is not None else {}
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """``/api/v1/kb/articles/``."""

    serializer_class = s.ArticleSerializer
    filter_backends: list = []
    lookup_value_regex = "[0-9]{1,18}"

    def get_permissions(self):
        if self.request.method in SAFE_METHODS or self.action == "vote":
            return [IsAnyRole()]
        return [IsStaffRole()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Article.objects.none()
        articles = visible_articles(self.request.user)
        if self.action != "list":
            return articles
        params = self.request.query_params
        text = params.get("q", "").strip()
        if params.get("status") in ArticleStatus.values:
            articles = articles.filter(status=params["status"])
        elif text:
            articles = articles.filter(status=ArticleStatus.PUBLISHED)
        if params.get("category"):
            articles = articles.filter(category=params["category"].strip().lower())
        if text:
            return search.search(articles, text)
        return articles.order_by("-updated_at", "pk")

    @extend_schema(
        summary="Articles; with `q`, published articles ranked by relevance",
        parameters=[
            OpenApiParameter("q", str, description="Words to search for (ranked, best first)."),
            OpenApiParameter(
                "status",
                str,
                enum=ArticleStatus.values,
                description="Staff: articles in this status (requesters: published only).",
            ),
            OpenApiParameter("category", str),
        ],
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One article", responses={200: s.ArticleSerializer, 404: ERRORS})
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return super().retrieve(request, *args, **kwargs)

    def _respond(self, article: Article, code=status.HTTP_200_OK) -> Response:
        fresh = Article.objects.select_related("author").get(pk=article.pk)
        return Response(s.ArticleSerializer(fresh).data, code)

    @extend_schema(
        summary="Write an article (agents, managers, admins)",
        request=s.ArticleWriteSerializer,
        responses={201: s.ArticleSerializer, 400: ERRORS, 403: ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = _input(s.ArticleWriteSerializer, request)
        article = articles.save_article(
            actor=request.user,
            title=data["title"],
            body=data["content"],
            category=data["category"],
            tags=data["tags"],
            status=data["status"],
        )
        return self._respond(article, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an article (a new version when the content changes)",
        request=s.ArticleUpdateSerializer,
        responses={200: s.ArticleSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        article = self.get_object()
        data = _input(s.ArticleUpdateSerializer, request)
        updated = articles.save_article(
            actor=request.user,
            article_id=article.pk,
            title=data.get("title", article.title),
            body=data.get("content", article.body),
            category=data.get("category", article.category),
            tags=data.get("tags", article.tags),
            status=data.get("status", article.status),
        )
        return self._respond(updated)

    @extend_schema(
        summary="Vote: was this article helpful? (once per person; voting again changes it)",
        request=s.VoteSerializer,
        responses={200: s.ArticleSerializer, 400: ERRORS, 404: ERRORS},
    )
    @action(detail=True, methods=["post"])
    def vote(self, request: Request, pk=None) -> Response:
        article = self.get_object()
        data = _input(s.VoteSerializer, request)
        feedback.vote(actor=request.user, article_id=article.pk, helpful=data["helpful"])
        return self._respond(article)


class TicketSuggestionsView(APIView):
    """``/api/v1/tickets/<id>/suggestions/``: ranked KB articles (and, for staff, similar
    resolved tickets) for a ticket the caller may see."""

    permission_classes = [IsAnyRole]

    @extend_schema(
        summary="Suggestions for a ticket: ranked KB articles and similar resolved tickets",
        description="Scores are TF-IDF cosine similarities in [0, 1]; `why` names the shared "
        "terms. Requesters get published articles only, without `score` and `why`, and never "
        "similar tickets.",
        parameters=[
            OpenApiParameter("limit", OpenApiTypes.INT, description="At most this many (1-20).")
        ],
        responses={200: s.SuggestionsSerializer, 404: ERRORS},
    )
    def get(self, request: Request, ticket_id) -> Response:
        ticket = get_object_or_404(visible_tickets(request.user), pk=ticket_id)
        try:
            limit = min(max(int(request.query_params.get("limit", 5)), 1), 20)
        except ValueError:
            limit = 5
        found = suggestions.suggest_for_ticket(user=request.user, ticket=ticket, limit=limit)
        if not is_staff_role(request.user):
            return Response(s.RequesterSuggestionsSerializer(found).data)
        return Response(s.SuggestionsSerializer(found).data)


class MarkSuggestionUsedView(APIView):
    """``/api/v1/tickets/<id>/suggestions/used/``: an agent used this article on the ticket."""

    permission_classes = [IsStaffRole]

    @extend_schema(
        summary="Mark a suggested article as used on this ticket (counted once per ticket)",
        request=s.MarkUsedSerializer,
        responses={200: s.ArticleUseSerializer, 201: s.ArticleUseSerializer, 400: ERRORS,
                   403: ERRORS, 404: ERRORS},
    )  # fmt: skip
    def post(self, request: Request, ticket_id) -> Response:
        data = _input(s.MarkUsedSerializer, request)
        use, created = feedback.mark_used(
            actor=request.user, ticket_id=ticket_id, article_id=data["article"], score=data["score"]
        )
        use.created = created
        return Response(
            s.ArticleUseSerializer(use).data,
            status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
