"""Websocket routes of the ticket pages; itsm.asgi mounts them beside the dashboard's."""

from django.urls import path

from desk.bell import BellConsumer
from desk.consumers import TicketPresenceConsumer

websocket_urlpatterns: list = [
    path("ws/tickets/<uuid:ticket_id>/presence/", TicketPresenceConsumer.as_asgi()),
    path("ws/notifications/", BellConsumer.as_asgi()),
]
