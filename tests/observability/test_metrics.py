"""What /metrics shows: every family named in docs/observability.md, counters that move where
the thing happens (a ticket created and routed, a Celery task run, a dashboard socket), and
queue depths read at scrape time in a constant number of queries."""

import uuid
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from celery import shared_task
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY
from rest_framework_simplejwt.tokens import AccessToken

from core.models import OutboxEvent
from core.tasks import purge_events
from notifications.models import EventType, NotificationQueue, QueueStatus
from tests import factories
from tests.observability.scrape import TOKEN, families, scrape, value
from tickets.actions import creation

FAMILIES = {
    "itsm_tickets_ingested": "counter",
    "itsm_routing_duration_seconds": "histogram",
    "itsm_celery_tasks": "counter",
    "itsm_websocket_connections": "gauge",
    "itsm_queue_depth": "gauge",
}


@pytest.fixture
def client(settings):
    settings.METRICS_TOKEN = TOKEN
    return Client()


@pytest.mark.django_db
def test_every_family_is_exposed(client):
    exposed = families(scrape(client))
    assert {name: exposed[name].type for name in FAMILIES if name in exposed} == FAMILIES


@pytest.mark.django_db
def test_a_created_and_routed_ticket_moves_the_ingest_counter_and_the_routing_histogram(
    client, agent, manager
):
    before = scrape(client)
    ticket = creation.create_ticket(
        actor=manager,
        data=creation.NewTicket(
            title="VPN down", requester_email="metrics@customer.example", source="email"
        ),
    )
    ticket.refresh_from_db()
    assert ticket.team is not None  # routed after the commit, by the event's subscriber
    after = scrape(client)
    ingested = "itsm_tickets_ingested_total"
    assert value(after, ingested, source="email") == value(before, ingested, source="email") + 1
    routed = "itsm_routing_duration_seconds_count"
    assert value(after, routed, outcome="routed") == value(before, routed, outcome="routed") + 1
    assert value(after, "itsm_routing_duration_seconds_sum", outcome="routed") > value(
        before, "itsm_routing_duration_seconds_sum", outcome="routed"
    )


@pytest.mark.django_db
def test_a_rolled_back_creation_is_not_counted(client, manager):
    before = scrape(client)
    with pytest.raises(RuntimeError), transaction.atomic():
        creation.create_ticket(
            actor=manager,
            data=creation.NewTicket(
                title="Lost", requester_email="lost@customer.example", source="jira"
            ),
        )
        raise RuntimeError("the webhook's transaction failed after the creation")
    ingested = "itsm_tickets_ingested_total"
    assert value(scrape(client), ingested, source="jira") == value(before, ingested, source="jira")


@shared_task(name="tests.observability.fails")
def fails() -> None:
    raise ValueError("a task that fails")


@pytest.mark.django_db
def test_celery_task_outcomes_are_counted_by_name(client):
    before = scrape(client)
    purge_events.apply()
    # As a worker runs it: an eager run that propagates raises before Celery's failure path.
    result = fails.apply(throw=False)
    assert result.failed()
    after = scrape(client)
    name = "itsm_celery_tasks_total"
    for task, outcome in (
        ("core.purge_events", "success"),
        ("tests.observability.fails", "failure"),
    ):
        labels = {"task": task, "outcome": outcome}
        assert value(after, name, **labels) == value(before, name, **labels) + 1


def _depths(client) -> dict[str, float]:
    text = scrape(client)
    return {
        queue: value(text, "itsm_queue_depth", queue=queue)
        for queue in ("unrouted_tickets", "outbox_undelivered", "notifications_due")
    }


def _waiting_work(count: int) -> None:
    now = timezone.now()
    for n in range(count):
        factories.TicketFactory(team=None)
        OutboxEvent.objects.create(name="test.waiting", stream=f"test:{n}", data={})
        NotificationQueue.objects.create(
            channel="email",
            event_type=EventType.ASSIGNED,
            to_email=f"agent{n}@example.com",
            status=QueueStatus.PENDING,
            scheduled_for=now - timedelta(minutes=1),
        )
    # Neither due nor waiting: a message for later, a message sent.
    NotificationQueue.objects.create(
        channel="email",
        event_type=EventType.ASSIGNED,
        to_email="later@example.com",
        scheduled_for=now + timedelta(hours=1),
    )
    NotificationQueue.objects.create(
        channel="email",
        event_type=EventType.ASSIGNED,
        to_email="sent@example.com",
        status=QueueStatus.SENT,
        scheduled_for=now - timedelta(hours=1),
    )


@pytest.mark.django_db
def test_queue_depths_are_read_at_scrape_time_in_constant_queries(
    client, django_assert_max_num_queries
):
    start = _depths(client)
    _waiting_work(2)
    with django_assert_max_num_queries(3):  # one per queue, whatever the queues hold
        two = _depths(client)
    _waiting_work(5)
    with django_assert_max_num_queries(3):
        seven = _depths(client)
    assert {queue: two[queue] - start[queue] for queue in two} == dict.fromkeys(two, 2.0)
    assert {queue: seven[queue] - start[queue] for queue in seven} == dict.fromkeys(seven, 7.0)


def _dashboard_sockets() -> float:
    return REGISTRY.get_sample_value("itsm_websocket_connections", {"socket": "dashboard"}) or 0.0


@pytest.mark.django_db(transaction=True)
def test_dashboard_sockets_are_counted_while_open_and_refusals_not_at_all(settings, monkeypatch):
    from itsm.asgi import application

    settings.ALLOWED_HOSTS = ["testserver"]
    monkeypatch.setattr(application.application_mapping["websocket"], "allowed_origins", ["*"])
    manager, requester = factories.ManagerFactory(), factories.RequesterFactory()

    def socket(user) -> WebsocketCommunicator:
        path = f"/ws/dashboard/?token={AccessToken.for_user(user)}"
        return WebsocketCommunicator(application, path, headers=[(b"origin", b"http://testserver")])

    async def scenario() -> tuple[float, float, float]:
        before = _dashboard_sockets()
        watching = socket(manager)
        connected, _ = await watching.connect()
        assert connected
        await watching.receive_json_from(timeout=10)  # the snapshot
        refused = socket(requester)
        await refused.connect()
        assert (await refused.receive_output(timeout=10))["code"] == 4403
        await refused.disconnect()
        during = _dashboard_sockets()
        await watching.disconnect()
        return before, during, _dashboard_sockets()

    before, during, after = async_to_sync(scenario)()
    assert (during, after) == (before + 1, before)


@pytest.mark.django_db
@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL (CI's second run)")
def test_the_celery_queue_depth_is_the_length_of_its_redis_list(client, settings):
    import redis

    # A list of its own: a worker of another test may be reading the real queue.
    settings.CELERY_TASK_DEFAULT_QUEUE = f"metrics-test-{uuid.uuid4().hex}"
    broker = redis.Redis.from_url(settings.REDIS_URL)
    try:
        assert value(scrape(client), "itsm_queue_depth", queue="celery") == 0
        broker.rpush(settings.CELERY_TASK_DEFAULT_QUEUE, "a", "b", "c")
        assert value(scrape(client), "itsm_queue_depth", queue="celery") == 3
    finally:
        broker.delete(settings.CELERY_TASK_DEFAULT_QUEUE)
        broker.close()
