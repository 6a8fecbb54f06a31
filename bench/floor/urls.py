"""The floor's one API, at the project's paths so that the same HTTP cases fit both."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from bench.floor.tickets.views import TicketViewSet

router = DefaultRouter(trailing_slash=True)
router.register("tickets", TicketViewSet)

urlpatterns = [path("api/v1/", include(router.urls))]
