"""The per-minute scan: crossings recorded once with timeline, audit, notification and an
SLA-warning reminder; state and priority score refreshed; constant queries per batch."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.models import AuditLog
from notifications.models import Notification
from sla import tasks
from sla.actions import scan
from sla.models import Reminder, SLAClock, SLACrossing
from tests.sla.conftest import T0
from tickets.actions import lifecycle, ownership
from tickets.models import Ticket, TimelineEntry

pytestmark = pytest.mark.django_db


def test_warning_then_breach_are_recorded_once_each(
    clock, policy, open_ticket, agent, django_capture_on_commit_callbacks
):
    ticket = open_ticket()
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)

    clock.shift(46)
    with django_capture_on_commit_callbacks(execute=True):
        report = scan.scan()

    assert report.crossings == 1
    sla = SLAClock.objects.get(ticket=ticket)
    assert sla.state == "warning"
    assert sla.crossed == ["first_response_warning"]
    assert sla.next_check_at == T0 + timedelta(minutes=60)
    crossing = SLACrossing.objects.get(ticket=ticket)
    assert crossing.kind == "first_response_warning"
    assert (
        TimelineEntry.objects.filter(ticket=ticket, content__startswith="SLA warning").count() == 1
    )
    assert (
        AuditLog.objects.filter(ticket_id=ticket.pk, action="sla.first_response_warning").count()
        == 1
    )
    assert Notification.objects.filter(user=agent, event_type="sla_warning").count() == 1
    reminder = Reminder.objects.get(ticket=ticket, kind=Reminder.Kind.SLA_WARNING)
    assert reminder.user == agent
    assert reminder.trigger_at == T0 + timedelta(minutes=53)  # half-way to the breach

    with django_capture_on_commit_callbacks(execute=True):
        assert scan.scan().crossings == 0  # nothing new at the same instant

    clock.shift(15)
    with django_capture_on_commit_callbacks(execute=True):
        scan.scan()
        scan.scan()

    assert SLACrossing.objects.filter(ticket=ticket).count() == 2
    assert SLAClock.objects.get(ticket=ticket).state == "breached"
    assert Notification.objects.filter(user=agent, event_type="sla_breach").count() == 1
    assert Ticket.objects.get(pk=ticket.pk).priority_score == pytest.approx(40 * 3.0)


def test_breach_notifies_managers_per_the_policy(
    clock, policy, open_ticket, manager, django_capture_on_commit_callbacks
):
    ticket = open_ticket()  # unowned: the warning goes to the team
    clock.shift(61)

    with django_capture_on_commit_callbacks(execute=True):
        scan.scan()

    assert Notification.objects.filter(
        user=manager, event_type="sla_breach", ticket=ticket
    ).exists()
    assert not Reminder.objects.filter(ticket=ticket).exists()  # no owner to remind


def test_paused_and_resolved_clocks_are_not_scanned(clock, policy, open_ticket, agent):
    waiting, resolved = open_ticket(), open_ticket()
    for ticket in (waiting, resolved):
        ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    lifecycle.wait_ticket(ticket_id=waiting.pk, actor=agent)
    lifecycle.resolve_ticket(ticket_id=resolved.pk, actor=agent, resolution="done")

    clock.shift(300)
    scan.scan()

    assert not SLACrossing.objects.exists()
    assert SLAClock.objects.get(ticket=waiting).state == "paused"


def test_the_scan_reorders_the_queue(clock, policy, open_ticket, agent):
    medium = open_ticket()
    clock.shift(59)
    critical = open_ticket(priority="critical", category="")  # seeded Critical: 15 min
    assert Ticket.objects.first() == critical

    clock.shift(2)
    scan.scan()

    assert list(Ticket.objects.values_list("pk", flat=True)[:2]) == [medium.pk, critical.pk]


def _crossing_tickets(open_ticket, how_many: int) -> None:
    for _ in range(how_many):
        open_ticket()


@pytest.mark.parametrize("batch_size", [500, 20])
def test_query_count_does_not_grow_with_the_crossings(clock, policy, open_ticket, batch_size):
    def queries_for(how_many: int) -> int:
        SLAClock.objects.all().delete()
        _crossing_tickets(open_ticket, how_many)
        clock.shift(61)  # first response breached: two crossings per ticket
        # The scan's own statements; the events it records are delivered after its commit.
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            report = scan.scan(batch_size=batch_size)
        assert report.crossings == 2 * how_many
        return len(captured)

    few, many = queries_for(5), queries_for(19)

    assert few == many


def test_scan_task_and_beat_schedule(settings, clock, policy, open_ticket):
    open_ticket()
    clock.shift(61)

    assert tasks.scan_clocks.delay().get() == {"checked": 1, "crossings": 2}
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"sla.scan_clocks", "sla.fire_due_reminders"} <= names
