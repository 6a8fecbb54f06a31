"""/api/: auth, schema and docs, and each app's /api/v1/ endpoints."""

from django.urls import include, path

from itsm.api.docs import DocsView, SchemaView
from itsm.api.views import RefreshView, TokenView

v1 = [
    path("", include("desk.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("routing.api.setup_urls")),
    path("", include("notifications.api.urls")),
    path("", include("escalations.api.urls")),
    path("", include("sla.api.urls")),
    path("", include("routing.api.urls")),
    path("", include("integrations.api.urls")),
    path("", include("kb.api.urls")),
    path("", include("dashboard.api.urls")),
    path("", include("resolutions.api.urls")),
]

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/token/refresh/", RefreshView.as_view(), name="token-refresh"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="schema"), name="docs"),
    path("v1/", include(v1)),
]
