from django.urls import path
from rest_framework.routers import SimpleRouter

from escalations.api.views import EnvelopeViewSet, TicketEnvelopeViewSet

router = SimpleRouter()
router.register("envelopes", EnvelopeViewSet, basename="envelope")

urlpatterns = [
    path(
        "tickets/<uuid:ticket_id>/envelopes/",
        TicketEnvelopeViewSet.as_view({"get": "list", "post": "create"}),
        name="ticket-envelopes",
    ),
    *router.urls,
]
