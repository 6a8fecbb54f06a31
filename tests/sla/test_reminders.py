"""Reminders: schedule, snooze, complete; due ones fire through the notifications service."""

from datetime import timedelta

import pytest

from core.exceptions import DomainValidationError, NotPermitted
from notifications.models import Notification
from sla import tasks
from sla.actions import reminders
from sla.models import Reminder
from tests import factories
from tests.sla.conftest import T0

pytestmark = pytest.mark.django_db


def later(minutes: float):
    return T0 + timedelta(minutes=minutes)


def test_a_one_off_reminder_fires_once(clock, agent, ticket):
    reminder = reminders.schedule_reminder(
        actor=agent, ticket_id=ticket.pk, trigger_at=later(30), message="Call back"
    )
    clock.shift(29)
    assert reminders.fire_due_reminders() == 0

    clock.shift(1)
    assert tasks.fire_due_reminders.delay().get() == 1
    assert reminders.fire_due_reminders() == 0

    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.FIRED
    assert reminder.fire_count == 1
    note = Notification.objects.get(user=agent, event_type="reminder")
    assert note.ticket == ticket


def test_a_recurring_reminder_moves_to_its_next_occurrence_until_its_end(clock, agent, ticket):
    reminder = reminders.schedule_reminder(
        actor=agent,
        ticket_id=ticket.pk,
        trigger_at=later(60),
        message="Daily check",
        frequency="daily",
        until=later(60 + 2 * 24 * 60),
    )
    for day in range(3):
        clock.move_to(later(60 + day * 24 * 60 + 1))
        assert reminders.fire_due_reminders() == 1

    reminder.refresh_from_db()
    assert reminder.fire_count == 3
    assert reminder.status == Reminder.Status.FIRED  # the series is over
    assert Notification.objects.filter(user=agent, event_type="reminder").count() == 3


def test_snooze_and_complete(clock, agent, ticket):
    reminder = reminders.schedule_reminder(
        actor=agent, ticket_id=ticket.pk, trigger_at=later(10), message="Chase"
    )
    clock.shift(10)
    reminders.fire_due_reminders()

    snoozed = reminders.snooze_reminder(actor=agent, reminder_id=reminder.pk, until=later(40))
    assert (snoozed.status, snoozed.trigger_at) == (Reminder.Status.SCHEDULED, later(40))

    done = reminders.complete_reminder(actor=agent, reminder_id=reminder.pk)
    assert done.status == Reminder.Status.DONE
    clock.shift(60)
    assert reminders.fire_due_reminders() == 0


def test_only_the_owner_touches_a_reminder(clock, agent, team, ticket):
    colleague = factories.AgentFactory(teams=[team])
    reminder = reminders.schedule_reminder(
        actor=agent, ticket_id=ticket.pk, trigger_at=later(10), message="Mine"
    )

    with pytest.raises(NotPermitted):
        reminders.complete_reminder(actor=colleague, reminder_id=reminder.pk)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"trigger_at": T0 - timedelta(minutes=1)}, "trigger_at"),
        ({"message": "  "}, "message"),
        ({"frequency": "hourly"}, "frequency"),
        ({"until": T0 + timedelta(days=1)}, "until"),  # a one-off has no end
    ],
)
def test_invalid_schedules_are_refused(clock, agent, ticket, changes, field):
    data = {"trigger_at": later(10), "message": "ok", **changes}
    with pytest.raises(DomainValidationError) as error:
        reminders.schedule_reminder(actor=agent, ticket_id=ticket.pk, **data)
    assert field in error.value.errors


def test_a_ticket_the_agent_cannot_see_is_refused(clock, other_agent, ticket):
    with pytest.raises(DomainValidationError) as error:
        reminders.schedule_reminder(
            actor=other_agent, ticket_id=ticket.pk, trigger_at=later(10), message="x"
        )
    assert "ticket" in error.value.errors
