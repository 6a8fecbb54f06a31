from django.urls import path
from rest_framework.routers import SimpleRouter

from resolutions.api.calibration import CalibrationViewSet
from resolutions.api.views import ApprovalViewSet, TicketResolutionViewSet

router = SimpleRouter()
router.register("approvals", ApprovalViewSet, basename="approval")
router.register("calibration", CalibrationViewSet, basename="calibration")

urlpatterns = [
    path(
        "tickets/<uuid:ticket_id>/resolutions/",
        TicketResolutionViewSet.as_view({"get": "list", "post": "create"}),
        name="ticket-resolutions",
    ),
    *router.urls,
]
