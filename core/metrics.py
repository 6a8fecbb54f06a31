"""The Prometheus metrics of the service desk, defined on the ground floor so that every app
counts where the thing happens; ``itsm.metrics`` exposes them at ``/metrics``
(docs/observability.md).

With ``PROMETHEUS_MULTIPROC_DIR`` set (before the process starts: prometheus-client reads it
when imported), every process writes its values to files there and a scrape of any one process
sums them all: web servers, the Celery worker and beat. Without it each process exposes its own.

Queue depths are not counted by anyone: they are read from the database (and Redis) when a
scrape asks, one query per queue, by the readers the owning apps register (``register_depth``),
so this module imports no app.
"""

import logging
from collections.abc import Callable, Iterator

from celery import signals
from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric

logger = logging.getLogger(__name__)

TICKETS_INGESTED = Counter(
    "itsm_tickets_ingested",
    "Tickets created (counted when their transaction commits), by the source they came from.",
    ["source"],
)
ROUTING_DURATION = Histogram(
    "itsm_routing_duration_seconds",
    "Time to route one ticket (routing.actions.route.route_ticket), by outcome: routed (a "
    "team was chosen), unrouted (no team could take it), skipped (already routed or closed).",
    ["outcome"],
)
CELERY_TASKS = Counter(
    "itsm_celery_tasks",
    "Celery task runs by task name and outcome (success, failure, retry).",
    ["task", "outcome"],
)
WEBSOCKET_CONNECTIONS = Gauge(
    "itsm_websocket_connections",
    "Websocket connections open now (accepted and not refused), by socket.",
    ["socket"],
    # Summed over the live processes only: a server that exits takes its sockets with it.
    multiprocess_mode="livesum",
)

DepthReader = Callable[[], int]
_DEPTH_READERS: dict[str, DepthReader] = {}


def register_depth(queue: str, reader: DepthReader) -> None:
    """An app names one of its queues and how to count it (one query) at scrape time."""
    _DEPTH_READERS[queue] = reader


class QueueDepthCollector:
    """``itsm_queue_depth{queue}``, read when scraped: one query (or Redis call) per registered
    queue, whatever the size of the queues. A reader that fails is left out and logged, so an
    unreachable Redis does not hide the other depths."""

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "itsm_queue_depth", "Work waiting now, read at scrape time, by queue.", labels=["queue"]
        )
        for queue, reader in sorted(_DEPTH_READERS.items()):
            try:
                family.add_metric([queue], reader())
            except Exception as exc:  # one broken reader must not fail the whole scrape
                logger.warning("queue depth %s could not be read: %s", queue, exc)
        yield family


def _task_name(sender: object) -> str:
    return getattr(sender, "name", None) or "unknown"


def _on_success(sender: object = None, **kwargs: object) -> None:
    CELERY_TASKS.labels(task=_task_name(sender), outcome="success").inc()


def _on_failure(sender: object = None, **kwargs: object) -> None:
    CELERY_TASKS.labels(task=_task_name(sender), outcome="failure").inc()


def _on_retry(sender: object = None, **kwargs: object) -> None:
    CELERY_TASKS.labels(task=_task_name(sender), outcome="retry").inc()


def count_task_outcomes() -> None:
    """Connect Celery's task signals (sent in the worker, and by tasks applied eagerly)."""
    signals.task_success.connect(_on_success, weak=False, dispatch_uid="itsm-metrics-success")
    signals.task_failure.connect(_on_failure, weak=False, dispatch_uid="itsm-metrics-failure")
    signals.task_retry.connect(_on_retry, weak=False, dispatch_uid="itsm-metrics-retry")
