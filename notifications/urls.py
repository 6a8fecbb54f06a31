"""Pages of the notifications app; mounted by the lead at the site root."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("csat/<str:token>/", views.csat, name="csat"),
]
