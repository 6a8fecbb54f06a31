"""Pages of the notifications app; mounted by the lead at the site root."""

from django.urls import path

from notifications import inbox_pages, views

app_name = "notifications"

urlpatterns = [
    path("csat/<str:token>/", views.csat, name="csat"),
    path("notifications/", inbox_pages.inbox, name="inbox"),
    path("notifications/read-all/", inbox_pages.read_all, name="read-all"),
    path("notifications/<uuid:notification_id>/open/", inbox_pages.open_one, name="open"),
]
