from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    """The ground floor: roles, the audit log, domain errors, the event bus, memos and the
    API kit every app stands on. It imports no app of the project."""

    name = "core"
    verbose_name = "Kernel"

    def ready(self) -> None:
        from core import metrics, queue_depths

        metrics.count_task_outcomes()
        metrics.register_depth("outbox_undelivered", queue_depths.outbox_undelivered)
        if settings.REDIS_URL:  # without a broker, tasks run in-process: no queue to measure
            metrics.register_depth("celery", queue_depths.celery_queue_length)
