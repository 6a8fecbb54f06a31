"""The ticket resource, relative to /api/v1/."""

from rest_framework.routers import SimpleRouter

from desk.api.views import TicketViewSet

router = SimpleRouter()
router.register("tickets", TicketViewSet, basename="ticket")

urlpatterns = router.urls
