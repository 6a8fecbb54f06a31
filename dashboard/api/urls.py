"""Mounted under /api/v1/ by itsm.api.urls."""

from django.urls import path

from dashboard.api import views

urlpatterns = [
    path("analytics/dashboard/", views.DashboardView.as_view(), name="analytics-dashboard"),
    path("analytics/trends/", views.TrendsView.as_view(), name="analytics-trends"),
    path(
        "analytics/team-performance/",
        views.TeamPerformanceView.as_view(),
        name="analytics-team-performance",
    ),
    path(
        "analytics/routing-outcomes/",
        views.RoutingOutcomesView.as_view(),
        name="analytics-routing-outcomes",
    ),
    path("analytics/time-spent/", views.TimeSpentView.as_view(), name="analytics-time-spent"),
]
