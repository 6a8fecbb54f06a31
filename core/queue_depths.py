"""The kernel's own queues for ``itsm_queue_depth`` (core.metrics): events in the outbox not
delivered yet, and with a broker the Celery queue waiting in Redis."""

from django.conf import settings

from core.models import OutboxEvent

DEFAULT_QUEUE = "celery"  # Celery's default queue: a Redis list of that name
REDIS_TIMEOUT_SECONDS = 2  # a scrape must answer even when Redis does not


def outbox_undelivered() -> int:
    """Events some subscriber has not handled yet (served by the pending partial index)."""
    return OutboxEvent.objects.filter(dispatched_at__isnull=True).count()


def celery_queue_length() -> int:
    """Tasks waiting for a worker: ``LLEN celery`` (the default queue's list) on the broker."""
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )
    try:
        queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", DEFAULT_QUEUE)
        return int(client.llen(queue))
    finally:
        client.close()
