"""With REDIS_URL set (CI's second column), a real Celery worker takes a task off the Redis
broker and runs it against the same database: the scale-out path, not the eager one."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core import tasks as core_tasks
from core.kicker import Kicker
from core.models import OutboxEvent
from itsm.celery import app as celery_app
from routing.tasks import route_ticket_task
from sla.models import SLAClock
from tests import factories
from tickets.actions import creation
from tickets.models import Ticket

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    # Only the Redis column has a broker to talk to; the embedded column is eager by design
    # (its eager path is what every other routing test exercises).
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI's second run)"),
    pytest.mark.django_db(transaction=True),
]


def database_url_of_the_test_database() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_worker(pool: str = "solo", database_url: str = "") -> subprocess.Popen:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "itsm.settings",
        "DATABASE_URL": database_url or database_url_of_the_test_database(),
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": "worker-secret-for-the-broker-test-0123456789abcdef",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "itsm",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def worker():
    process = start_worker()
    yield process
    stop_worker(process)


@pytest.fixture
def through_the_broker():
    """Send tasks to Redis for this test only (the rest of the suite runs them eagerly)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


def test_a_worker_routes_a_ticket_sent_through_redis(worker, through_the_broker):
    team = factories.TeamFactory(slug="network", capabilities=["network"])
    ticket = factories.TicketFactory(team=None, category="network")
    Ticket.objects.filter(pk=ticket.pk).update(team=None)  # undo any eager routing on save

    route_ticket_task.delay(str(ticket.pk))

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ticket.refresh_from_db()
        if ticket.team_id is not None:
            break
        assert worker.poll() is None, worker.stdout.read().decode()[-2000:]
        time.sleep(0.25)  # polling another process's write; bounded by the deadline
    assert ticket.team == team


def test_a_worker_delivers_the_events_of_a_ticket_created_here(worker, through_the_broker):
    """The scale-out path of the event bus: the commit here queues ``core.drain_stream`` on
    Redis, the worker delivers ticket.created (routing, the SLA clock) and what follows."""
    team = factories.TeamFactory(slug="network", capabilities=["network"])
    requester = factories.ContactFactory()
    ticket = creation.create_ticket(
        actor=None,
        data=creation.NewTicket(
            title="VPN down", requester_email=requester.email, category="network"
        ),
    )
    assert OutboxEvent.objects.filter(stream=f"ticket:{ticket.pk}").exists()

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists():
            break
        assert worker.poll() is None, worker.stdout.read().decode()[-2000:]
        time.sleep(0.25)  # polling another process's work; bounded by the deadline
    ticket.refresh_from_db()
    assert ticket.team == team
    assert SLAClock.objects.filter(ticket=ticket).exists()
    names = OutboxEvent.objects.filter(stream=f"ticket:{ticket.pk}").order_by("id")
    assert list(names.values_list("name", flat=True)) == ["ticket.created", "ticket.routed"]


def test_a_ticket_created_over_the_api_is_routed_by_way_of_the_servers_drain_thread(
    worker, through_the_broker, api, settings, monkeypatch
):
    """The server's door with a broker: the API create answers, the server's own thread
    (core.kicker, started as itsm.asgi starts it) asks Redis for the drain, the worker routes."""
    settings.DRAIN_REQUESTS_IN_BACKGROUND = True
    server_thread = Kicker()
    monkeypatch.setattr(core_tasks, "kicker", server_thread)
    core_tasks.start_drain_requests()
    assert server_thread.running
    team = factories.TeamFactory(slug="network", capabilities=["network"])
    manager = factories.ManagerFactory()
    created = api.as_(manager).post(
        "/api/v1/tickets/",
        {
            "title": "VPN down on the 4th floor",
            "description": "Nothing connects since this morning.",
            "category": "network",
            "requester": {"email": "ada@example.com", "name": "Ada Moss"},
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    try:
        wait_delivered(worker)
    finally:
        server_thread.stop()
    ticket = Ticket.objects.get(pk=created.json()["id"])
    assert ticket.team == team


def create_tickets(count: int) -> list[Ticket]:
    requester = factories.ContactFactory()
    return [
        creation.create_ticket(
            actor=None,
            data=creation.NewTicket(
                title=f"VPN down {n}", requester_email=requester.email, category="network"
            ),
        )
        for n in range(count)
    ]


def wait_delivered(worker: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while OutboxEvent.objects.filter(dispatched_at__isnull=True).exists():
        assert time.monotonic() < deadline, "the worker did not deliver within 60 s"
        assert worker.poll() is None, worker.stdout.read().decode()[-2000:]
        time.sleep(0.25)  # polling another process's work; bounded by the deadline


def worker_backends(application_name: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application_name]
        )
        return {pid for (pid,) in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="counts PostgreSQL sessions")
def test_a_prefork_worker_keeps_its_database_connections_across_tasks(through_the_broker):
    """Celery's stock Django fixup closed every connection, and in a prefork child the whole
    psycopg pool, around each task: new PostgreSQL sessions for every task. The worker's own
    fixup (itsm.celery) keeps its connection instead."""
    factories.TeamFactory(slug="network", capabilities=["network"])
    name = "itsm-worker-reuse-test"
    worker = start_worker(
        "prefork", f"{database_url_of_the_test_database()}?application_name={name}"
    )
    try:
        create_tickets(1)
        wait_delivered(worker)
        sessions = worker_backends(name)
        # One persistent connection, not a pool (itsm.databases.without_pools): the prefork
        # child's, and none left by the parent that forked it.
        assert len(sessions) == 1, sessions
        create_tickets(4)  # a dozen tasks more: drains, notification deliveries
        wait_delivered(worker)
        assert worker_backends(name) == sessions
        assert Ticket.objects.filter(team__isnull=True).count() == 0
    finally:
        stop_worker(worker)
