"""Tasks on a ticket: standalone, or under one of its open envelopes (the expert who holds that
envelope may add tasks to it too)."""

from django.db import transaction
from django.utils import timezone

from core.audit import record_audit
from core.display import display_name
from core.exceptions import DomainValidationError
from core.roles import is_manager_or_admin, is_staff_role
from tickets.actions.access import ensure_works_ticket
from tickets.lifecycle import (
    TaskOfClosedTicket,
    TaskStatus,
    TicketNotOpen,
    TicketStatus,
    ensure_task_transition,
)
from tickets.models import Task, TimelineEntry
from tickets.selectors import lock_ticket


@transaction.atomic
def create_task(
    *,
    ticket_id,
    actor,
    title: str,
    description: str = "",
    assigned_to=None,
    due_date=None,
    envelope=None,
) -> Task:
    """A task on the ticket, standalone or under one of its open envelopes (the expert who
    holds that envelope may add tasks to it too)."""
    if not title.strip():
        raise DomainValidationError({"title": ["A title is required."]})
    ticket = lock_ticket(ticket_id)
    if envelope is not None:
        if envelope.ticket_id != ticket.pk:
            raise DomainValidationError({"envelope": ["The envelope is on another ticket."]})
        if not envelope.is_open:
            raise DomainValidationError({"envelope": ["The envelope is closed."]})
    if envelope is None or envelope.assigned_to_id != actor.pk:
        ensure_works_ticket(actor, ticket)
    if not ticket.is_open:
        raise TicketNotOpen(f"The ticket is {ticket.status}: it takes no new tasks.")
    if assigned_to is not None and not (assigned_to.is_active and is_staff_role(assigned_to)):
        raise DomainValidationError({"assigned_to": ["Tasks go to active agents only."]})
    task = Task.objects.create(
        ticket=ticket,
        title=title.strip(),
        description=description,
        assigned_to=assigned_to,
        due_date=due_date,
        envelope=envelope,
        created_by=actor,
    )
    assignee = f" for {display_name(assigned_to)}" if assigned_to else ""
    TimelineEntry.objects.create(
        ticket=ticket,
        type=TimelineEntry.Type.TASK,
        visibility=TimelineEntry.Visibility.INTERNAL,
        author=actor,
        content=f"Task added{assignee}: {task.title}",
    )
    record_audit(actor=actor, action="task.created", ticket=ticket, data={"task": str(task.pk)})
    return task


@transaction.atomic
def set_task_status(*, task_id, actor, status: str) -> Task:
    if status not in TaskStatus.values:
        raise DomainValidationError({"status": [f"Unknown task status '{status}'."]})
    # The ticket first, as every action on it locks: a close waits for this change or is seen.
    ticket = lock_ticket(Task.objects.values_list("ticket_id", flat=True).get(pk=task_id))
    task = Task.objects.select_for_update().get(pk=task_id)
    task.ticket = ticket
    if not (task.assigned_to_id == actor.pk or is_manager_or_admin(actor)):
        ensure_works_ticket(actor, ticket)
    if ticket.status == TicketStatus.CLOSED:
        raise TaskOfClosedTicket(task.status, status)
    ensure_task_transition(task.status, status)
    previous = task.status
    task.status = status
    task.completed_at = timezone.now() if status == TaskStatus.DONE else None
    task.save()
    record_audit(
        actor=actor,
        action="task.status",
        ticket=task.ticket,
        data={"task": str(task.pk), "from": previous, "to": status},
    )
    return task
