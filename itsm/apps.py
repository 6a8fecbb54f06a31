from django.apps import AppConfig


class ItsmConfig(AppConfig):
    """The project itself: settings, URLs, the ASGI and Celery apps, health, the demo."""

    name = "itsm"
    verbose_name = "Service desk"
