from django.apps import AppConfig


class OrgConfig(AppConfig):
    """Who works tickets: teams, agents, skills, capacity and where they are. Stands on the
    kernel only; tickets and routing stand on it."""

    name = "org"
    verbose_name = "Teams and agents"
