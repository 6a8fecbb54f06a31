"""Answer first, work after, lose nothing: a server of the embedded default answers a webhook
and the ticket ends routed (both databases; its delivery process does it, or its deliverer
thread), and a ``kill -9`` of the processing side between the commit and the delivery leaves
the ticket to be routed, once, by the next process that starts (which also shows the answer
comes before routing): the server's delivery process, restarted by the server, or the whole
server when delivery is its thread.

The kill tests are PostgreSQL only: they hold a table lock the delivery needs, so the process
is killed at a known point (its delivery waiting on the lock), not at a moment chosen by a
sleep."""

import os
import signal
import time

import httpx
import psycopg
import pytest
from django.db import connection

from core.models import OutboxEvent
from integrations.actions.keys import create_api_key
from routing.models import AllocationDecision
from tests import factories
from tests.dashboard.server import Server, free_port
from tickets.models import Ticket

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="holds a PostgreSQL table lock (CI's second run)"
)


def server_env(**extra: str) -> dict:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{s['NAME']}"
    else:
        url = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    dropped = ("REDIS_URL", "DJANGO_SETTINGS_MODULE", "EVENTS_IN_BACKGROUND")
    return {k: v for k, v in os.environ.items() if k not in dropped} | {
        "DJANGO_SETTINGS_MODULE": "itsm.settings",
        "DEBUG": "true",
        "SECRET_KEY": "answer-first-test-secret-0123456789abcdef0123456789",
        "DATABASE_URL": url,  # no REDIS_URL: the embedded default, delivery in the server
        **extra,
    }


def lock_decisions() -> psycopg.Connection:
    """A connection of its own holding a lock that routing's INSERT of the decision waits on
    (reads of the table, as the webhook's answer makes, still pass)."""
    s = connection.settings_dict
    holder = psycopg.connect(
        host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=s["NAME"], autocommit=False
    )
    holder.execute(f"LOCK TABLE {AllocationDecision._meta.db_table} IN EXCLUSIVE MODE")
    return holder


def wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout:.0f} s"
        time.sleep(0.1)  # another process's work; bounded by the deadline


def delivery_waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE %s",
            ["%INSERT INTO%routing_allocationdecision%"],
        )
        return cursor.fetchone()[0] > 0


def network_team_and_key() -> tuple:
    """The team a network ticket routes to (with an agent) and a generic webhook key."""
    team = factories.TeamFactory(slug="network", name="Network Team", capabilities=["network"])
    factories.AgentFactory(teams=[team])
    _, key = create_api_key(source="generic", name="answer-first test")
    return team, key


def post_ticket(server: Server, key: str) -> httpx.Response:
    return httpx.post(
        f"{server.base}/api/v1/webhooks/ticket",
        headers={"X-Source-ID": "generic", "Authorization": f"Api-Key {key}"},
        json={
            "ticket_id": "KILL-9-1",
            "title": "Router in building 4 keeps rebooting",
            "description": "The core router reboots every few minutes.",
            "category": "network",
            "requester": {"email": "pat@example.com", "name": "Pat Doe"},
        },
        timeout=30,
    )


@pytest.mark.parametrize("in_a_process", ["true", "false"], ids=["process", "thread"])
def test_a_webhook_to_a_real_server_ends_routed_on_either_database(in_a_process):
    team, key = network_team_and_key()
    env = server_env(EVENTS_IN_A_PROCESS=in_a_process, EVENTS_PROCESS_NICE="5")
    server = Server(env, port=free_port()).start()
    try:
        answer = post_ticket(server, key)
        assert answer.status_code == 202, answer.text
        ticket = Ticket.objects.get(pk=answer.json()["ticket_id"])
        wait_for(
            lambda: AllocationDecision.objects.filter(ticket=ticket).exists(),
            "routing by the server's background delivery",
        )
        if in_a_process == "true":  # deliveries may yield the CPU to requests
            (child,) = delivery_children(server)
            assert niceness(child) == min(niceness(server.process.pid) + 5, 19)
    finally:
        server.stop()
    ticket.refresh_from_db()
    assert ticket.team == team
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()


def niceness(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[16])


def delivery_children(server: Server) -> list[int]:
    """The server's delivery process (core.delivery_process), by its parent's pid."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    command = cmdline.read()
            except OSError:
                continue
            if parent == server.process.pid and b"core.delivery_child" in command:
                found.append(int(entry))
    return found


@postgres_only
def test_a_kill_9_of_the_delivery_process_loses_nothing_and_routes_once():
    team, key = network_team_and_key()
    server = Server(server_env(EVENTS_IN_A_PROCESS="true"), port=free_port()).start()
    holder = lock_decisions()
    try:
        answer = post_ticket(server, key)
        assert answer.status_code == 202, answer.text
        ticket = Ticket.objects.get(pk=answer.json()["ticket_id"])
        assert ticket.team_id is None  # answered before routing
        wait_for(delivery_waiting_on_a_lock, "the delivery process reaching the lock")
        (child,) = delivery_children(server)
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: delivery_children(server) not in ([], [child]), "a new delivery process")
        holder.rollback()  # the dead one's transaction never committed; the new one sweeps
        wait_for(
            lambda: not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists(),
            "the new delivery process's sweep",
        )
    finally:
        holder.rollback()
        holder.close()
        server.stop()
    ticket.refresh_from_db()
    assert ticket.team == team
    assert AllocationDecision.objects.filter(ticket=ticket).count() == 1
    stream = f"ticket:{ticket.pk}"
    names = list(
        OutboxEvent.objects.filter(stream=stream).order_by("id").values_list("name", flat=True)
    )
    assert names.count("ticket.created") == 1 and names.count("ticket.routed") == 1


@postgres_only
def test_a_kill_9_between_commit_and_delivery_loses_nothing_and_routes_once():
    team, key = network_team_and_key()
    env = server_env(EVENTS_IN_A_PROCESS="false")  # the thread dies with the server
    first = Server(env, port=free_port()).start()
    holder = lock_decisions()
    try:
        answer = post_ticket(first, key)
        assert answer.status_code == 202, answer.text
        ticket = Ticket.objects.get(pk=answer.json()["ticket_id"])
        assert ticket.team_id is None  # answered before routing
        wait_for(delivery_waiting_on_a_lock, "the server's delivery reaching the lock")
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
    finally:
        holder.rollback()
        holder.close()
        first.stop()

    ticket.refresh_from_db()
    assert ticket.team_id is None
    stream = f"ticket:{ticket.pk}"
    assert OutboxEvent.objects.filter(stream=stream, dispatched_at__isnull=True).exists()

    second = Server(env, port=free_port()).start()  # its deliverer sweeps what was left
    try:
        wait_for(
            lambda: not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists(),
            "the second server's delivery",
        )
    finally:
        second.stop()
    ticket.refresh_from_db()
    assert ticket.team == team
    assert AllocationDecision.objects.filter(ticket=ticket).count() == 1
    names = list(
        OutboxEvent.objects.filter(stream=stream).order_by("id").values_list("name", flat=True)
    )
    assert names.count("ticket.created") == 1 and names.count("ticket.routed") == 1
