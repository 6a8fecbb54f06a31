from django.contrib import admin
from django.urls import include, path

from itsm.health import health
from itsm.metrics import metrics

urlpatterns = [
    path("health", health, name="health"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/", include("itsm.api.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("notifications.urls")),
    path("kb/", include("kb.urls")),
    path("", include("dashboard.urls")),
    path("", include("resolutions.urls")),
    path("", include("desk.urls")),
]

handler400 = "itsm.api.views.bad_request"
handler403 = "itsm.api.views.permission_denied"
handler404 = "itsm.api.views.not_found"
handler500 = "itsm.api.views.server_error"
