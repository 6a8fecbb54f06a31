"""Every write to tickets that has a rule goes through these functions.

Each is keyword-only, runs in one transaction, locks the ticket row it changes, writes the
timeline and the audit log in the same transaction, and raises a domain error (see
tickets.exceptions) instead of half-writing. Views, serializers, admin actions, tasks and
commands call these; nothing else writes tickets.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from itsm.roles import Role, is_manager_or_admin, is_staff_role, role_of
from routing.models import Team
from tickets.exceptions import DomainValidationError, NotPermitted, OwnershipLocked
from tickets.guards import owner_write_allowed
from tickets.lifecycle import (
    InvalidTransition,
    TaskStatus,
    TicketStatus,
    ensure_task_transition,
    ensure_transition,
)
from tickets.models import (
    REFERENCE_PREFIX,
    AuditLog,
    CaseFlag,
    Contact,
    ReferenceCounter,
    Task,
    Ticket,
    TicketType,
    TimelineEntry,
)
from tickets.priority import derive_priority, priority_score
from tickets.selectors import is_team_member, lock_ticket

User = get_user_model()


class TransferReason(models.TextChoices):
    AGENT_TERMINATED = "agent_terminated", "Agent terminated"
    AGENT_ON_EXTENDED_LEAVE = "agent_on_extended_leave", "Agent on extended leave"


# Fields a staff member may change with update_ticket; owner and status have their own services.
UPDATABLE_FIELDS = frozenset(
    {"title", "description", "category", "priority", "urgency", "impact", "type", "team"}
)


# --- small writers shared by the services ---------------------------------------------------


def record_audit(*, actor, action: str, ticket: Ticket | None = None, data: dict) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        ticket=ticket,
        object_type="ticket" if ticket is not None else "",
        object_id=str(ticket.pk) if ticket is not None else "",
        data=data,
    )


def record_system_entry(*, ticket: Ticket, content: str, actor=None) -> TimelineEntry:
    return TimelineEntry.objects.create(
        ticket=ticket,
        type=TimelineEntry.Type.SYSTEM,
        visibility=TimelineEntry.Visibility.INTERNAL,
        author=actor if actor is not None and actor.is_authenticated else None,
        content=content,
    )


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def next_reference(*, ticket_type: str, year: int) -> str:
    """The next ``INC-2026-000123``. Must run inside the creating transaction: the counter row
    stays locked until it commits, so two creations never get the same number."""
    prefix = REFERENCE_PREFIX[ticket_type]
    counter, _ = ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return f"{prefix}-{year}-{counter.last_value:06d}"


# --- contacts --------------------------------------------------------------------------------


def get_or_create_contact(*, email: str, name: str = "") -> Contact:
    email = User.objects.normalize_email(email).strip()
    if not email:
        raise DomainValidationError({"requester": ["A requester e-mail address is required."]})
    contact, created = Contact.objects.get_or_create(
        email__iexact=email, defaults={"email": email.lower(), "name": name}
    )
    if not created and name and not contact.name:
        contact.name = name
        contact.save(update_fields=["name"])
    return contact


# --- creation and edits ----------------------------------------------------------------------


@dataclass(frozen=True)
class NewTicket:
    """What a ticket is created from, whichever door it came through."""

    title: str
    requester_email: str
    requester_name: str = ""
    description: str = ""
    type: str = TicketType.INCIDENT
    category: str = ""
    priority: str | None = None  # None: derived from urgency x impact
    urgency: str = ""
    impact: str = ""
    source: str = "web"
    external_id: str = ""
    external_metadata: dict = field(default_factory=dict)
    team: Team | None = None  # None: the routing engine picks one after commit


@transaction.atomic
def create_ticket(*, actor, data: NewTicket) -> Ticket:
    """Create a ticket for a requester. Requesters may only open tickets for themselves."""
    _ensure_may_create_for(actor=actor, requester_email=data.requester_email)
    if not data.title.strip():
        raise DomainValidationError({"title": ["A title is required."]})
    if data.type not in TicketType.values:
        raise DomainValidationError({"type": [f"Unknown ticket type '{data.type}'."]})
    requester = get_or_create_contact(email=data.requester_email, name=data.requester_name)
    priority = data.priority or derive_priority(data.urgency, data.impact)
    now = timezone.now()
    ticket = Ticket.objects.create(
        reference=next_reference(ticket_type=data.type, year=now.year),
        type=data.type,
        title=data.title.strip(),
        description=data.description,
        category=data.category,
        priority=priority,
        urgency=data.urgency,
        impact=data.impact,
        priority_score=priority_score(priority, requester.effective_tier),
        source=data.source,
        external_id=data.external_id,
        external_metadata=data.external_metadata,
        requester=requester,
        team=data.team,
    )
    record_system_entry(ticket=ticket, content=f"Ticket created from {data.source}.", actor=actor)
    record_audit(
        actor=actor,
        action="ticket.created",
        ticket=ticket,
        data={"reference": ticket.reference, "source": data.source},
    )
    return ticket


def _ensure_may_create_for(*, actor, requester_email: str) -> None:
    role = role_of(actor)
    if role is None and actor is not None and actor.is_authenticated:
        raise NotPermitted("This account has no role that may open tickets.")
    if role == Role.REQUESTER and actor.contact.email.lower() != requester_email.strip().lower():
        raise NotPermitted("Requesters open tickets for themselves only.")


@transaction.atomic
def update_ticket(*, ticket_id, actor, changes: dict) -> Ticket:
    """Change descriptive fields. Owner and status are not here: they have their own services."""
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins edit tickets.")
    refused = sorted(set(changes) - UPDATABLE_FIELDS)
    if refused:
        raise DomainValidationError(
            {name: ["This field cannot be changed here."] for name in refused}
        )
    ticket = lock_ticket(ticket_id)
    if ticket.status == TicketStatus.CLOSED:
        raise DomainValidationError({"non_field_errors": ["A closed ticket cannot be edited."]})
    before = {name: _audit_value(getattr(ticket, name)) for name in changes}
    for name, value in changes.items():
        setattr(ticket, name, value)
    if "priority" in changes:
        ticket.priority_score = priority_score(ticket.priority, ticket.requester.effective_tier)
    ticket.save()
    after = {name: _audit_value(getattr(ticket, name)) for name in changes}
    changed = {name: [before[name], after[name]] for name in changes if before[name] != after[name]}
    if changed:
        record_audit(actor=actor, action="ticket.updated", ticket=ticket, data=changed)
    return ticket


def _audit_value(value):
    if isinstance(value, Team):
        return str(value.pk)
    return value


# --- ownership -------------------------------------------------------------------------------


@transaction.atomic
def accept_ticket(*, ticket_id, actor) -> Ticket:
    """The actor becomes the owner. Of concurrent accepts exactly one wins: the row lock makes
    the others wait, and they then find the owner set."""
    ticket = lock_ticket(ticket_id)
    if ticket.owner_id is not None:
        raise OwnershipLocked(f"Ticket {ticket.reference} is already owned.")
    if not (is_manager_or_admin(actor) or _is_agent_of_team(actor, ticket)):
        raise NotPermitted("Only an agent of the ticket's team may accept it.")
    ensure_transition(ticket.status, TicketStatus.IN_PROGRESS)
    ticket.status = TicketStatus.IN_PROGRESS
    ticket.accepted_at = timezone.now()
    with owner_write_allowed():
        ticket.owner = actor
        ticket.save()
    record_system_entry(ticket=ticket, content=f"Accepted by {display_name(actor)}.", actor=actor)
    record_audit(actor=actor, action="ticket.accepted", ticket=ticket, data={"owner": actor.pk})
    return ticket


def _is_agent_of_team(user, ticket: Ticket) -> bool:
    return role_of(user) == Role.AGENT and is_team_member(user, ticket.team)


@transaction.atomic
def transfer_ownership(*, ticket_id, actor, to_user, reason: str) -> Ticket:
    """Hand an owned ticket to another agent, only because its owner has left or is away."""
    if not is_manager_or_admin(actor):
        raise NotPermitted("Only a manager or an admin may transfer ownership.")
    if reason not in TransferReason.values:
        raise DomainValidationError(
            {"reason": [f"Must be one of: {', '.join(TransferReason.values)}."]}
        )
    if not (to_user.is_active and is_staff_role(to_user)):
        raise DomainValidationError({"to": ["The new owner must be an active agent."]})
    ticket = lock_ticket(ticket_id)
    if ticket.owner_id is None:
        raise DomainValidationError({"non_field_errors": ["The ticket has no owner to replace."]})
    if ticket.status == TicketStatus.CLOSED:
        raise DomainValidationError({"non_field_errors": ["A closed ticket is not transferred."]})
    if ticket.owner_id == to_user.pk:
        raise DomainValidationError({"to": ["This agent already owns the ticket."]})
    previous = ticket.owner
    with owner_write_allowed():
        ticket.owner = to_user
        ticket.save()
    record_system_entry(
        ticket=ticket,
        content=(
            f"Ownership transferred from {display_name(previous)} to {display_name(to_user)} "
            f"({reason.replace('_', ' ')})."
        ),
        actor=actor,
    )
    record_audit(
        actor=actor,
        action="ticket.transferred",
        ticket=ticket,
        data={"from": previous.pk, "to": to_user.pk, "reason": reason},
    )
    return ticket


# --- status changes --------------------------------------------------------------------------


def _ensure_works_ticket(actor, ticket: Ticket) -> None:
    if is_manager_or_admin(actor) or (ticket.owner_id and ticket.owner_id == actor.pk):
        return
    raise NotPermitted("Only the owner, a manager or an admin may do this.")


def _is_requester_of(actor, ticket: Ticket) -> bool:
    return role_of(actor) == Role.REQUESTER and ticket.requester.user_id == actor.pk


def _move(
    *, ticket: Ticket, actor, target: str, note: str, only_from: frozenset[str] | None = None
) -> Ticket:
    """Move along one edge of the machine; ``only_from`` narrows it to this action's edge
    (resume leaves waiting, reopen leaves resolved: neither is a way out of new)."""
    if only_from is not None and ticket.status not in only_from:
        raise InvalidTransition(ticket.status, target)
    ensure_transition(ticket.status, target)
    previous = ticket.status
    ticket.status = target
    ticket.save()
    record_system_entry(ticket=ticket, content=note, actor=actor)
    record_audit(
        actor=actor,
        action=f"ticket.{target}",
        ticket=ticket,
        data={"from": previous, "to": target},
    )
    return ticket


@transaction.atomic
def wait_ticket(*, ticket_id, actor, reason: str = "") -> Ticket:
    """Waiting on the requester (the SLA clock pauses)."""
    ticket = lock_ticket(ticket_id)
    _ensure_works_ticket(actor, ticket)
    note = "Waiting on the requester." + (f" {reason}" if reason else "")
    return _move(ticket=ticket, actor=actor, target=TicketStatus.WAITING, note=note)


@transaction.atomic
def resume_ticket(*, ticket_id, actor) -> Ticket:
    ticket = lock_ticket(ticket_id)
    if not _is_requester_of(actor, ticket):
        _ensure_works_ticket(actor, ticket)
    return _move(
        ticket=ticket,
        actor=actor,
        target=TicketStatus.IN_PROGRESS,
        note="Resumed.",
        only_from=frozenset({TicketStatus.WAITING}),
    )


@transaction.atomic
def resolve_ticket(*, ticket_id, actor, resolution: str) -> Ticket:
    if not resolution.strip():
        raise DomainValidationError({"resolution": ["Say how the ticket was resolved."]})
    ticket = lock_ticket(ticket_id)
    _ensure_works_ticket(actor, ticket)
    ensure_transition(ticket.status, TicketStatus.RESOLVED)
    ticket.resolution = resolution.strip()
    ticket.resolved_at = timezone.now()
    return _move(ticket=ticket, actor=actor, target=TicketStatus.RESOLVED, note="Resolved.")


@transaction.atomic
def reopen_ticket(*, ticket_id, actor, reason: str = "") -> Ticket:
    ticket = lock_ticket(ticket_id)
    if not _is_requester_of(actor, ticket):
        _ensure_works_ticket(actor, ticket)
    if ticket.status != TicketStatus.RESOLVED:
        raise InvalidTransition(ticket.status, TicketStatus.IN_PROGRESS)
    ticket.resolved_at = None
    note = "Reopened." + (f" {reason}" if reason else "")
    return _move(ticket=ticket, actor=actor, target=TicketStatus.IN_PROGRESS, note=note)


@transaction.atomic
def close_ticket(*, ticket_id, actor) -> Ticket:
    ticket = lock_ticket(ticket_id)
    if not _is_requester_of(actor, ticket):
        _ensure_works_ticket(actor, ticket)
    ensure_transition(ticket.status, TicketStatus.CLOSED)
    ticket.closed_at = timezone.now()
    return _move(ticket=ticket, actor=actor, target=TicketStatus.CLOSED, note="Closed.")


# --- timeline --------------------------------------------------------------------------------


@transaction.atomic
def add_timeline_entry(
    *, ticket_id, actor, type: str, visibility: str, content: str
) -> TimelineEntry:
    """A reply or note on the main timeline. Requesters write public entries on their own
    tickets only; a requester's reply to a waiting ticket resumes it."""
    if type not in (TimelineEntry.Type.NOTE, TimelineEntry.Type.EMAIL):
        raise DomainValidationError({"type": ["Must be 'note' or 'email'."]})
    if visibility not in (TimelineEntry.Visibility.PUBLIC, TimelineEntry.Visibility.INTERNAL):
        raise DomainValidationError({"visibility": ["Must be 'public' or 'internal'."]})
    if not content.strip():
        raise DomainValidationError({"content": ["The entry is empty."]})
    ticket = lock_ticket(ticket_id)
    requester_reply = _is_requester_of(actor, ticket)
    if requester_reply and visibility != TimelineEntry.Visibility.PUBLIC:
        raise NotPermitted("Requesters may only post public entries.")
    if not requester_reply and not is_staff_role(actor):
        raise NotPermitted("Only the requester or staff may post on this ticket.")
    entry = TimelineEntry.objects.create(
        ticket=ticket, type=type, visibility=visibility, author=actor, content=content
    )
    if requester_reply and ticket.status == TicketStatus.WAITING:
        _move(
            ticket=ticket,
            actor=actor,
            target=TicketStatus.IN_PROGRESS,
            note="The requester replied; resumed.",
        )
    else:
        ticket.save(update_fields=["updated_at"])
    return entry


# --- flags -----------------------------------------------------------------------------------


@transaction.atomic
def add_flag(*, ticket_id, actor, kind: str, note: str = "") -> CaseFlag:
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins flag tickets.")
    if kind not in CaseFlag.Kind.values:
        raise DomainValidationError({"kind": [f"Unknown flag '{kind}'."]})
    ticket = lock_ticket(ticket_id)
    flag, created = CaseFlag.objects.get_or_create(
        ticket=ticket, kind=kind, defaults={"note": note, "created_by": actor}
    )
    if created:
        record_audit(actor=actor, action="ticket.flagged", ticket=ticket, data={"kind": kind})
    return flag


@transaction.atomic
def remove_flag(*, ticket_id, actor, kind: str) -> None:
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins unflag tickets.")
    ticket = lock_ticket(ticket_id)
    deleted, _ = CaseFlag.objects.filter(ticket=ticket, kind=kind).delete()
    if deleted:
        record_audit(actor=actor, action="ticket.unflagged", ticket=ticket, data={"kind": kind})


# --- tasks -----------------------------------------------------------------------------------


@transaction.atomic
def create_task(
    *, ticket_id, actor, title: str, description: str = "", assigned_to=None, due_date=None
) -> Task:
    if not title.strip():
        raise DomainValidationError({"title": ["A title is required."]})
    ticket = lock_ticket(ticket_id)
    _ensure_works_ticket(actor, ticket)
    if not ticket.is_open:
        raise DomainValidationError({"non_field_errors": ["The ticket is no longer open."]})
    if assigned_to is not None and not (assigned_to.is_active and is_staff_role(assigned_to)):
        raise DomainValidationError({"assigned_to": ["Tasks go to active agents only."]})
    task = Task.objects.create(
        ticket=ticket,
        title=title.strip(),
        description=description,
        assigned_to=assigned_to,
        due_date=due_date,
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
    task = Task.objects.select_for_update().select_related("ticket").get(pk=task_id)
    if not (task.assigned_to_id == actor.pk or is_manager_or_admin(actor)):
        _ensure_works_ticket(actor, task.ticket)
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
