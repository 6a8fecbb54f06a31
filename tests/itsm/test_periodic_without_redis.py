"""Production without Redis: the Procfile's beat runs the periodic jobs in its own process
(no broker, so Celery executes each task where it is sent). Here the safety net routes a ticket
that no team could take when it arrived, once a team exists: with no web, no worker, no
Redis, only beat."""

import sqlite3
import time

import pytest

from tests.dashboard.server import manage, prepare_database
from tests.itsm.processes import procfile
from tests.itsm.test_production import run_env
from tests.itsm.test_settings import PRODUCTION_ENV

pytestmark = [pytest.mark.slow, pytest.mark.embedded]

# Run by `manage.py shell`: a ticket left unrouted an hour ago (no team existed), then a team;
# and beat's route-unrouted entry last run a day ago, so it is due as soon as beat starts.
SETUP = """
from datetime import timedelta
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from routing.models import AllocationDecision
from tests import factories
from tickets.actions.creation import NewTicket, create_ticket
from tickets.models import Ticket

hour_ago = timezone.now() - timedelta(hours=1)
manager = factories.ManagerFactory()
ticket = create_ticket(actor=manager, data=NewTicket(
    title="Switch port dead", requester_email="pat@customer.example", category="network"))
assert AllocationDecision.objects.get(ticket=ticket).team is None
Ticket.objects.filter(pk=ticket.pk).update(created_at=hour_ago)
AllocationDecision.objects.filter(ticket=ticket).update(decided_at=hour_ago)
team = factories.TeamFactory(slug="network", capabilities=["network"])
factories.AgentFactory(teams=[team])
every, _ = IntervalSchedule.objects.get_or_create(every=120, period="seconds")
PeriodicTask.objects.create(
    name="routing-route-unrouted", task="routing.tasks.route_unrouted_tickets",
    interval=every, last_run_at=timezone.now() - timedelta(days=1))
print(ticket.pk.hex, team.pk.hex)
"""


def test_beat_alone_runs_the_periodic_jobs_without_redis(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = run_env(PRODUCTION_ENV | {"DATABASE_URL": f"sqlite:///{database}"})
    assert "REDIS_URL" not in env
    prepare_database(env)  # a copy of the run's migrated template
    ticket_id, team_id = manage(env, "shell", "--no-imports", "-c", SETUP).split()[-2:]

    with procfile(env, "beat") as (_base, output):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and team_of(database, ticket_id) is None:
            time.sleep(0.5)  # a bounded poll: beat checks its schedule every 5 s
        log = output.read_text()
    assert str(team_of(database, ticket_id)) == team_id, log[-3000:]
    assert "routing.tasks.route_unrouted_tickets" in log


def team_of(database, ticket_id: str):
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT team_id FROM tickets_ticket WHERE id = ?", [ticket_id]).fetchone()
    return row[0]
