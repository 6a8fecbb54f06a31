"""Mounted under /api/v1/ by itsm.api.urls."""

from rest_framework.routers import SimpleRouter

from sla.api.views import CalendarViewSet, PolicyViewSet, ReminderViewSet

router = SimpleRouter()
router.register("sla/policies", PolicyViewSet, basename="sla-policy")
router.register("sla/calendars", CalendarViewSet, basename="sla-calendar")
router.register("reminders", ReminderViewSet, basename="reminder")

urlpatterns = router.urls
