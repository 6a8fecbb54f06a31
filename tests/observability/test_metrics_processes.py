"""PROMETHEUS_MULTIPROC_DIR: several processes (web servers, the Celery worker, beat) write
their values to one directory, and a scrape of any process shows their sum. Two real processes
count here; this test's process scrapes."""

import pytest
from django.test import Client

from tests.dashboard.server import python, server_env
from tests.observability.scrape import TOKEN, scrape, value

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

COUNT = """
from core.metrics import CELERY_TASKS, ROUTING_DURATION, TICKETS_INGESTED
TICKETS_INGESTED.labels(source="multiprocess").inc({n})
ROUTING_DURATION.labels(outcome="routed").observe(0.25)
CELERY_TASKS.labels(task="core.drain_stream", outcome="success").inc()
"""


def count_in_a_process(env: dict, n: int) -> None:
    python(env, "-c", COUNT.format(n=n))


def test_a_scrape_sums_what_every_process_counted(tmp_path, settings, monkeypatch):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    env = server_env(tmp_path / "db.sqlite3", PROMETHEUS_MULTIPROC_DIR=str(directory))
    count_in_a_process(env, 2)
    count_in_a_process(env, 3)
    assert len(list(directory.glob("counter_*.db"))) == 2  # one file per process

    settings.METRICS_TOKEN = TOKEN
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    text = scrape(Client())
    assert value(text, "itsm_tickets_ingested_total", source="multiprocess") == 5
    assert value(text, "itsm_routing_duration_seconds_count", outcome="routed") == 2
    assert value(text, "itsm_routing_duration_seconds_sum", outcome="routed") == 0.5
    labels = {"task": "core.drain_stream", "outcome": "success"}
    assert value(text, "itsm_celery_tasks_total", **labels) == 2
    # The depths are read by the scraping process, from the database, as without the directory.
    assert 'itsm_queue_depth{queue="outbox_undelivered"}' in text


def test_without_the_directory_each_process_shows_its_own(settings, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    settings.METRICS_TOKEN = TOKEN
    text = scrape(Client())
    assert value(text, "itsm_tickets_ingested_total", source="multiprocess") == 0
    assert "process_resident_memory_bytes" in text  # this process's own collectors
