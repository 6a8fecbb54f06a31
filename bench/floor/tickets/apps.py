from django.apps import AppConfig


class FloorTicketsConfig(AppConfig):
    name = "bench.floor.tickets"
    label = "floor_tickets"
