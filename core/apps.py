from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor: roles, the audit log, domain errors, the event bus, memos and the
    API kit every app stands on. It imports no app of the project."""

    name = "core"
    verbose_name = "Kernel"
