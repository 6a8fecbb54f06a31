"""KB endpoints, relative to /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from kb.api.views import ArticleViewSet, MarkSuggestionUsedView, TicketSuggestionsView

router = SimpleRouter()
router.register("kb/articles", ArticleViewSet, basename="kb-article")

urlpatterns = [
    path(
        "tickets/<uuid:ticket_id>/suggestions/",
        TicketSuggestionsView.as_view(),
        name="ticket-suggestions",
    ),
    path(
        "tickets/<uuid:ticket_id>/suggestions/used/",
        MarkSuggestionUsedView.as_view(),
        name="ticket-suggestion-used",
    ),
    *router.urls,
]
