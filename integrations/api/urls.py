"""Paths relative to /api/v1/ (mounted by itsm/api/urls.py)."""

from django.urls import path

from integrations.api.views import WebhookView

urlpatterns = [
    path("webhooks/ticket", WebhookView.as_view(), name="webhook-ticket"),
]
