from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from notifications import subscribers  # noqa: F401  subscribers register
        from notifications.messages import template_memo

        template_memo.watch(["notifications.MessageTemplate"])
