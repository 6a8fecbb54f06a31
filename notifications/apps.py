from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from core.metrics import register_depth
        from notifications import mentions, subscribers  # noqa: F401  subscribers register
        from notifications.actions.delivery import due_count
        from notifications.messages import template_memo

        template_memo.watch(["notifications.MessageTemplate"])
        register_depth("notifications_due", due_count)
