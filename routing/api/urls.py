"""Routing endpoints, relative to /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from routing.api.views import (
    AllocateView,
    DecisionViewSet,
    GroupViewSet,
    RuleViewSet,
    WeightsViewSet,
)

router = SimpleRouter()
router.register("routing/groups", GroupViewSet, basename="routing-group")
router.register("routing/rules", RuleViewSet, basename="routing-rule")
router.register("routing/weights", WeightsViewSet, basename="routing-weights")
router.register("routing/decisions", DecisionViewSet, basename="routing-decision")

urlpatterns = [
    # API.md's path has no trailing slash, and it is the one the schema shows; the slashed form
    # is accepted too, the same view left out of the schema.
    path("handlers/allocate", AllocateView.as_view(), name="handlers-allocate"),
    path("handlers/allocate/", AllocateView.as_view(schema=None), name="handlers-allocate-slash"),
    *router.urls,
]
