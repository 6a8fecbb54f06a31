from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from itsm.health import health

urlpatterns = [
    path("health", health, name="health"),
    # Until the agent pages land, the front door is the admin.
    path("", RedirectView.as_view(url="/admin/", permanent=False), name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
]
