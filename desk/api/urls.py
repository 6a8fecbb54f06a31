"""The ticket resource, relative to /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from desk.api.flags import TicketFlagsView, TicketFlagView
from desk.api.views import TicketViewSet

router = SimpleRouter()
router.register("tickets", TicketViewSet, basename="ticket")

urlpatterns = [
    *router.urls,
    path("tickets/<uuid:pk>/flags/", TicketFlagsView.as_view(), name="ticket-flags"),
    path("tickets/<uuid:pk>/flags/<str:kind>/", TicketFlagView.as_view(), name="ticket-flag"),
]
