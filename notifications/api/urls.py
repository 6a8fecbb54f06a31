"""Mounted by the lead under /api/v1/."""

from django.urls import path

from notifications.api.views import (
    NotificationViewSet,
    PreferenceDetailView,
    PreferenceListView,
)

urlpatterns = [
    path(
        "notifications/",
        NotificationViewSet.as_view({"get": "list"}),
        name="notification-list",
    ),
    path(
        "notifications/read-all/",
        NotificationViewSet.as_view({"post": "read_all"}),
        name="notification-read-all",
    ),
    path(
        "notifications/preferences/",
        PreferenceListView.as_view(),
        name="notification-preference-list",
    ),
    path(
        "notifications/preferences/<slug:event_type>/",
        PreferenceDetailView.as_view(),
        name="notification-preference-detail",
    ),
    path(
        "notifications/<uuid:pk>/read/",
        NotificationViewSet.as_view({"post": "read"}),
        name="notification-read",
    ),
    path(
        "notifications/<uuid:pk>/unread/",
        NotificationViewSet.as_view({"post": "unread"}),
        name="notification-unread",
    ),
]
