from rest_framework.routers import SimpleRouter

from routing.api.setup import AgentViewSet, TeamViewSet

router = SimpleRouter()
router.register("teams", TeamViewSet, basename="team")
router.register("agents", AgentViewSet, basename="agent")

urlpatterns = router.urls
