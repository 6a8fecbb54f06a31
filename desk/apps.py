from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The doors of the service desk: the agent workspace and the requester portal (pages,
    kanban, saved views, presence) and the ticket resource of the REST API. It holds no rules:
    every write is an action of the app that owns the rows."""

    name = "desk"
    verbose_name = "Service desk workspace"
