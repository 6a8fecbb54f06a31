"""Websocket routes, mounted by itsm.asgi under Channels' origin check and session auth;
``?token=<JWT access>`` is read by dashboard.auth inside that stack."""

from django.urls import path

from dashboard.auth import QueryTokenAuthMiddleware
from dashboard.consumers import DashboardConsumer

websocket_urlpatterns: list = [
    path("ws/dashboard/", QueryTokenAuthMiddleware(DashboardConsumer.as_asgi())),
]
