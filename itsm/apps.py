from django.apps import AppConfig


class ItsmConfig(AppConfig):
    name = "itsm"
    verbose_name = "Service desk"

    def ready(self) -> None:
        from itsm.api import schema  # noqa: F401  registers the OpenAPI extensions
