from rest_framework.routers import SimpleRouter

from tickets.api.companies import CompanyViewSet
from tickets.api.views import AttachmentViewSet, ContactViewSet, TaskViewSet

router = SimpleRouter()
router.register("tasks", TaskViewSet, basename="task")
router.register("contacts", ContactViewSet, basename="contact")
router.register("companies", CompanyViewSet, basename="company")
router.register("attachments", AttachmentViewSet, basename="attachment")

urlpatterns = router.urls
