"""Reminders: an agent's follow-ups on a ticket (one-off or recurring), snoozed and completed
by their owner; the per-minute firing of due reminders (an ``sla.reminder_due`` event that the
notifications app delivers). The SLA-warning reminders are created with the warning's crossing
(sla.actions.crossings)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.events import publish_many
from core.exceptions import DomainValidationError, NotPermitted
from core.roles import is_staff_role
from sla import recurrence, selectors
from sla.events import REMINDER_DUE
from sla.models import Reminder
from tickets.events import stream_of
from tickets.selectors import visible_tickets

MAX_SNOOZE = timedelta(days=90)


def _ensure_staff(actor) -> None:
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins keep reminders.")


def _lock_own(actor, reminder_id) -> Reminder:
    reminder = Reminder.objects.select_for_update().filter(pk=reminder_id).first()
    if reminder is None or reminder.user_id != actor.pk:
        raise NotPermitted("Not your reminder.")
    return reminder


def _timezone_of(user) -> str:
    profile = getattr(user, "agent_profile", None)
    return profile.timezone if profile is not None else "UTC"


def _check_schedule(
    *, trigger_at: datetime, frequency: str, interval: int, until: datetime | None, now=None
) -> None:
    """``now`` given: the trigger must lie after it."""
    errors = {}
    if now is not None and trigger_at <= now:
        errors["trigger_at"] = ["Must be in the future."]
    if frequency not in recurrence.FREQUENCIES:
        errors["frequency"] = [f"Must be one of: {', '.join(recurrence.FREQUENCIES)}."]
    if not 1 <= interval <= 365:
        errors["interval"] = ["Must be between 1 and 365."]
    if until is not None and (frequency == recurrence.NONE or until < trigger_at):
        errors["until"] = ["Only a recurring reminder ends, and not before it starts."]
    if errors:
        raise DomainValidationError(errors)


@transaction.atomic
def schedule_reminder(
    *,
    actor,
    ticket_id,
    trigger_at: datetime,
    message: str,
    frequency: str = recurrence.NONE,
    interval: int = 1,
    until: datetime | None = None,
) -> Reminder:
    _ensure_staff(actor)
    if not message.strip():
        raise DomainValidationError({"message": ["Say what to follow up."]})
    _check_schedule(
        trigger_at=trigger_at,
        frequency=frequency,
        interval=interval,
        until=until,
        now=timezone.now(),
    )
    ticket = visible_tickets(actor).filter(pk=ticket_id).first()
    if ticket is None:
        raise DomainValidationError({"ticket": ["No such ticket."]})
    return Reminder.objects.create(
        user=actor,
        ticket=ticket,
        message=message.strip(),
        trigger_at=trigger_at,
        first_trigger_at=trigger_at,
        frequency=frequency,
        interval=interval,
        until=until,
        timezone=_timezone_of(actor),
    )


@transaction.atomic
def reschedule_reminder(*, actor, reminder_id, changes: dict) -> Reminder:
    """Change message, trigger time or recurrence of one's own open reminder."""
    reminder = _lock_own(actor, reminder_id)
    if reminder.status in (Reminder.Status.DONE, Reminder.Status.CANCELLED):
        raise DomainValidationError({"non_field_errors": ["This reminder is closed."]})
    allowed = {"message", "trigger_at", "frequency", "interval", "until"}
    refused = sorted(set(changes) - allowed)
    if refused:
        raise DomainValidationError({name: ["Cannot be changed."] for name in refused})
    for name, value in changes.items():
        setattr(reminder, name, value.strip() if name == "message" else value)
    if not reminder.message:
        raise DomainValidationError({"message": ["Say what to follow up."]})
    if "trigger_at" in changes:
        reminder.first_trigger_at = reminder.trigger_at
        reminder.status = Reminder.Status.SCHEDULED
    _check_schedule(
        trigger_at=reminder.trigger_at,
        frequency=reminder.frequency,
        interval=reminder.interval,
        until=reminder.until,
        now=timezone.now() if "trigger_at" in changes else None,
    )
    reminder.save()
    return reminder


@transaction.atomic
def snooze_reminder(*, actor, reminder_id, until: datetime) -> Reminder:
    """Fire again at ``until`` (a fired reminder becomes scheduled again)."""
    reminder = _lock_own(actor, reminder_id)
    now = timezone.now()
    if reminder.status not in (Reminder.Status.SCHEDULED, Reminder.Status.FIRED):
        raise DomainValidationError({"non_field_errors": ["This reminder is closed."]})
    if not now < until <= now + MAX_SNOOZE:
        raise DomainValidationError({"until": ["Snooze into the future, at most 90 days."]})
    reminder.trigger_at = until
    reminder.status = Reminder.Status.SCHEDULED
    reminder.save(update_fields=["trigger_at", "status", "updated_at"])
    return reminder


@transaction.atomic
def complete_reminder(*, actor, reminder_id) -> Reminder:
    """Done: a recurring series ends too."""
    reminder = _lock_own(actor, reminder_id)
    if reminder.status == Reminder.Status.CANCELLED:
        raise DomainValidationError({"non_field_errors": ["This reminder was cancelled."]})
    if reminder.status != Reminder.Status.DONE:
        reminder.status = Reminder.Status.DONE
        reminder.completed_at = timezone.now()
        reminder.save(update_fields=["status", "completed_at", "updated_at"])
    return reminder


@transaction.atomic
def cancel_reminder(*, actor, reminder_id) -> Reminder:
    reminder = _lock_own(actor, reminder_id)
    if reminder.status != Reminder.Status.CANCELLED:
        reminder.status = Reminder.Status.CANCELLED
        reminder.save(update_fields=["status", "updated_at"])
    return reminder


def fire_due_reminders(*, now: datetime | None = None, batch_size: int = 200) -> int:
    """Announce due reminders (``sla.reminder_due``: notifications tells their owners), then
    move each to its next occurrence (or to ``fired`` when the series is over). The event and
    the move commit together, and concurrent runs skip each other's rows: each occurrence
    fires once."""
    now = now or timezone.now()
    fired = 0
    while True:
        with transaction.atomic():
            due = list(selectors.due_reminders(now)[:batch_size])
            publish_many([_due_event(reminder) for reminder in due])
            for reminder in due:
                _advance(reminder, now)
            Reminder.objects.bulk_update(
                due, ["trigger_at", "status", "fire_count", "last_fired_at", "updated_at"]
            )
        fired += len(due)
        if len(due) < batch_size:
            return fired


def _advance(reminder: Reminder, now: datetime) -> None:
    reminder.fire_count += 1
    reminder.last_fired_at = now
    reminder.updated_at = now
    following = recurrence.next_occurrence(
        first=reminder.first_trigger_at,
        frequency=reminder.frequency,
        interval=reminder.interval,
        after=now,
        until=reminder.until,
        tz=reminder.timezone,
    )
    if following is None:
        reminder.status = Reminder.Status.FIRED
    else:
        reminder.trigger_at = following


def _due_event(reminder: Reminder) -> tuple[str, str, dict]:
    stream = stream_of(reminder.ticket_id) if reminder.ticket_id else f"user:{reminder.user_id}"
    return (
        REMINDER_DUE,
        stream,
        {
            "ticket": {"id": str(reminder.ticket_id)} if reminder.ticket_id else None,
            "user": reminder.user_id,
            "reminder": str(reminder.pk),
            "kind": reminder.kind,
            "message": reminder.message,
            "trigger_at": reminder.trigger_at.isoformat(),
        },
    )
