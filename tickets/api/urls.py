from rest_framework.routers import SimpleRouter

from tickets.api.views import AttachmentViewSet, ContactViewSet, TaskViewSet, TicketViewSet

router = SimpleRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("tasks", TaskViewSet, basename="task")
router.register("contacts", ContactViewSet, basename="contact")
router.register("attachments", AttachmentViewSet, basename="attachment")

urlpatterns = router.urls
