"""Every write to tickets that has a rule goes through these functions.

Each is keyword-only, runs in one transaction, locks the ticket row it changes, writes the
timeline and the audit log in the same transaction, and raises a domain error (see
core.exceptions) instead of half-writing. Views, serializers, admin actions, tasks and
commands call these; nothing else writes tickets.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from core.audit import as_user, record_audit
from core.display import display_name
from core.exceptions import DomainValidationError, NotPermitted, OwnershipLocked
from core.roles import Role, is_manager_or_admin, is_staff_role, role_of
from dashboard import realtime
from org.models import Team
from org.selectors import is_team_member
from sla import services as sla_services
from tickets.guards import owner_write_allowed
from tickets.lifecycle import (
    InvalidTransition,
    TaskStatus,
    TicketStatus,
    ensure_task_transition,
    ensure_transition,
)
from tickets.models import (
    Attachment,
    CaseFlag,
    Contact,
    Task,
    Ticket,
    TicketType,
    Tier,
    TimelineEntry,
)
from tickets.priority import derive_priority, priority_score
from tickets.references import next_reference
from tickets.selectors import lock_ticket

User = get_user_model()


class TransferReason(models.TextChoices):
    AGENT_TERMINATED = "agent_terminated", "Agent terminated"
    AGENT_ON_EXTENDED_LEAVE = "agent_on_extended_leave", "Agent on extended leave"


# Fields a staff member may change with update_ticket; owner and status have their own services.
UPDATABLE_FIELDS = frozenset(
    {"title", "description", "category", "priority", "urgency", "impact", "type", "team"}
)


# --- small writers shared by the services ---------------------------------------------------


def record_system_entry(*, ticket: Ticket, content: str, actor=None) -> TimelineEntry:
    return TimelineEntry.objects.create(
        ticket=ticket,
        type=TimelineEntry.Type.SYSTEM,
        visibility=TimelineEntry.Visibility.INTERNAL,
        author=as_user(actor),
        content=content,
    )


def tell(*, recipients, event_type: str, ticket: Ticket, payload: dict | None = None) -> None:
    """Queue a notification in the caller's transaction (delivered after commit)."""
    from notifications import services as notifications  # notifications imports this module

    notifications.notify(
        recipients=recipients, event_type=event_type, ticket=ticket, payload=payload or {}
    )


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


def set_contact_location(*, contact: Contact, latitude, longitude, timezone: str) -> None:
    """Where a requester is, as their source system reports it (routing's proximity and time
    zone scores read it). Values already validated; None / '' leave a field as it is."""
    changed = []
    located = latitude is not None and longitude is not None
    if located and (contact.latitude, contact.longitude) != (latitude, longitude):
        contact.latitude, contact.longitude = latitude, longitude
        changed += ["latitude", "longitude"]
    if timezone and contact.timezone != timezone:
        contact.timezone = timezone
        changed.append("timezone")
    if changed:  # most deliveries repeat what is known: no write then
        contact.save(update_fields=changed)


@transaction.atomic
def create_contact(*, actor, email: str, name: str = "", tier: str = "standard", password=None):
    """A requester record; with a password it also gets a login (the requester role)."""
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins add contacts.")
    email = User.objects.normalize_email(email).strip().lower()
    if Contact.objects.filter(email__iexact=email).exists():
        raise DomainValidationError({"email": ["A contact with this e-mail address exists."]})
    if tier not in Tier.values:
        raise DomainValidationError({"tier": [f"Unknown tier '{tier}'."]})
    user = None
    if password is not None:
        if User.objects.filter(username__iexact=email).exists():
            raise DomainValidationError({"email": ["A login with this e-mail address exists."]})
        validate_new_password(password, username=email, email=email)
        user = User.objects.create_user(
            username=email, email=email, password=password, first_name=name[:150]
        )
    contact = Contact.objects.create(email=email, name=name, tier=tier, user=user)
    record_audit(
        actor=actor,
        action="contact.created",
        data={"contact": contact.pk, "login": user is not None},
    )
    return contact


def validate_new_password(password: str, **attributes) -> None:
    """Django's password validators, as a DomainValidationError on `password`."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user=User(**attributes))
    except ValidationError as error:
        raise DomainValidationError({"password": list(error.messages)}) from error


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
    priority = (
        data.priority or _learned_priority(data) or derive_priority(data.urgency, data.impact)
    )
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
    sla_services.on_ticket_created(ticket=ticket)
    realtime.publish(event_type=realtime.TICKET_CREATED, ticket_ids=[ticket.pk])
    tell(recipients=[requester], event_type="ticket_received", ticket=ticket)
    return ticket


def _learned_priority(data: NewTicket) -> str | None:
    """No priority, urgency or impact given: the learned triage's guess, when confident."""
    if data.urgency or data.impact:
        return None
    from routing.learned_triage import guess_priority

    return guess_priority(data.title, data.description)


def _ensure_may_create_for(*, actor, requester_email: str) -> None:
    role = role_of(actor)
    if role is None and actor is not None and actor.is_authenticated:
        raise NotPermitted("This account has no role that may open tickets.")
    if role == Role.REQUESTER and actor.contact.email.lower() != requester_email.strip().lower():
        raise NotPermitted("Requesters open tickets for themselves only.")


@transaction.atomic
def update_ticket(*, ticket_id, actor, changes: dict) -> Ticket:
    """Change descriptive fields. Owner and status are not here: they have their own services.
    Integration keys may too: a source's update event changes the ticket it created."""
    if not (is_staff_role(actor) or role_of(actor) == Role.INTEGRATION):
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
    sla_services.on_ticket_changed(ticket=ticket, fields=list(changes))
    after = {name: _audit_value(getattr(ticket, name)) for name in changes}
    changed = {name: [before[name], after[name]] for name in changes if before[name] != after[name]}
    if changed:
        record_audit(actor=actor, action="ticket.updated", ticket=ticket, data=changed)
        realtime.publish(event_type=realtime.TICKET_UPDATED, ticket_ids=[ticket.pk])
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
    sla_services.on_status_changed(ticket=ticket, previous=TicketStatus.NEW, at=ticket.accepted_at)
    realtime.publish(event_type=realtime.TICKET_ASSIGNED, ticket_ids=[ticket.pk])
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
    realtime.publish(event_type=realtime.TICKET_ASSIGNED, ticket_ids=[ticket.pk])
    tell(
        recipients=[to_user],
        event_type="assigned",
        ticket=ticket,
        payload={"message": f"You now own {ticket.reference} ({reason.replace('_', ' ')})."},
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
    sla_services.on_status_changed(ticket=ticket, previous=previous)
    record_system_entry(ticket=ticket, content=note, actor=actor)
    record_audit(
        actor=actor,
        action=f"ticket.{target}",
        ticket=ticket,
        data={"from": previous, "to": target},
    )
    resolved = target == TicketStatus.RESOLVED
    event = realtime.TICKET_RESOLVED if resolved else realtime.TICKET_UPDATED
    realtime.publish(event_type=event, ticket_ids=[ticket.pk])
    return ticket


def sync_escalated_status(*, ticket: Ticket, actor) -> Ticket:
    """``escalated`` is derived: an in_progress ticket with a pending or active envelope
    becomes escalated, an escalated one without any goes back to in_progress. Called by
    escalations.services inside their transaction, with the ticket locked (lock_ticket).
    Other statuses (waiting, resolved, closed) are left alone."""
    from escalations.selectors import has_open_envelopes

    envelope_open = has_open_envelopes(ticket)
    if envelope_open and ticket.status == TicketStatus.IN_PROGRESS:
        note = "Escalated: an envelope is open."
        return _move(ticket=ticket, actor=actor, target=TicketStatus.ESCALATED, note=note)
    if not envelope_open and ticket.status == TicketStatus.ESCALATED:
        note = "No envelope is open any more: back in progress."
        return _move(ticket=ticket, actor=actor, target=TicketStatus.IN_PROGRESS, note=note)
    return ticket


@transaction.atomic
def wait_ticket(*, ticket_id, actor, reason: str = "") -> Ticket:
    """Waiting on the requester (the SLA clock pauses)."""
    ticket = lock_ticket(ticket_id)
    _ensure_works_ticket(actor, ticket)
    note = "Waiting on the requester." + (f" {reason}" if reason else "")
    moved = _move(ticket=ticket, actor=actor, target=TicketStatus.WAITING, note=note)
    # The reason is the desk's own note; what the requester must do goes in a public reply.
    tell(recipients=[ticket.requester], event_type="waiting_on_you", ticket=moved)
    return moved


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
    if ticket.status == TicketStatus.ESCALATED:
        ticket = _cancel_open_envelopes(ticket=ticket, actor=actor)
    ticket.resolution = resolution.strip()
    ticket.resolved_at = timezone.now()
    moved = _move(ticket=ticket, actor=actor, target=TicketStatus.RESOLVED, note="Resolved.")
    tell(
        recipients=[ticket.requester],
        event_type="resolved",
        ticket=moved,
        payload={"resolution": ticket.resolution, "actor_name": display_name(actor)},
    )
    return moved


def _cancel_open_envelopes(*, ticket: Ticket, actor) -> Ticket:
    """Resolving an escalated ticket closes its open envelopes (their threads stay readable);
    returns the ticket as it is afterwards (back in progress)."""
    from escalations import services as escalations
    from escalations.lifecycle import EnvelopeStatus
    from escalations.models import Envelope

    open_ids = Envelope.objects.filter(
        ticket=ticket, status__in=[EnvelopeStatus.PENDING, EnvelopeStatus.ACTIVE]
    ).values_list("pk", flat=True)
    for envelope_id in list(open_ids):
        escalations.cancel_envelope(
            envelope_id=envelope_id, actor=actor, reason="The ticket was resolved."
        )
    return lock_ticket(ticket.pk)


@transaction.atomic
def reopen_ticket(*, ticket_id, actor, reason: str = "") -> Ticket:
    ticket = lock_ticket(ticket_id)
    if not _is_requester_of(actor, ticket):
        _ensure_works_ticket(actor, ticket)
    if ticket.status != TicketStatus.RESOLVED:
        raise InvalidTransition(ticket.status, TicketStatus.IN_PROGRESS)
    ticket.resolved_at = None
    note = "Reopened." + (f" {reason}" if reason else "")
    _move(ticket=ticket, actor=actor, target=TicketStatus.IN_PROGRESS, note=note)
    # An envelope still open from before the resolution makes it escalated again.
    return sync_escalated_status(ticket=ticket, actor=actor)


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
    sla_services.on_entry_added(ticket=ticket, entry=entry)
    _announce_entry(ticket=ticket, entry=entry, actor=actor, requester_reply=requester_reply)
    return entry


def _announce_entry(*, ticket: Ticket, entry: TimelineEntry, actor, requester_reply: bool) -> None:
    """A public staff reply goes to the requester; a requester's reply to the owner. Internal
    notes are never sent to a requester."""
    if requester_reply:
        if ticket.owner_id is not None:
            tell(
                recipients=[ticket.owner],
                event_type="reply",
                ticket=ticket,
                payload={"entry_id": str(entry.pk), "content": entry.content},
            )
        return
    if entry.visibility == TimelineEntry.Visibility.PUBLIC:
        tell(
            recipients=[ticket.requester],
            event_type="public_reply",
            ticket=ticket,
            payload={
                "entry_id": str(entry.pk),
                "content": entry.content,
                "actor_name": display_name(actor),
            },
        )


@transaction.atomic
def import_timeline_entry(
    *, ticket_id, type: str, visibility: str, content: str, author_contact=None, actor=None
) -> TimelineEntry:
    """An entry that arrived from outside (a source's comment or work note, an e-mail reply).
    No role check: the caller (integrations) has authenticated the source. A public entry by
    the ticket's requester resumes a waiting ticket, as a reply in the app does."""
    if visibility not in (TimelineEntry.Visibility.PUBLIC, TimelineEntry.Visibility.INTERNAL):
        raise DomainValidationError({"visibility": ["Must be 'public' or 'internal'."]})
    ticket = lock_ticket(ticket_id)
    entry = TimelineEntry.objects.create(
        ticket=ticket,
        type=type,
        visibility=visibility,
        author_contact=author_contact,
        content=content,
    )
    requester_reply = (
        author_contact is not None
        and author_contact.pk == ticket.requester_id
        and visibility == TimelineEntry.Visibility.PUBLIC
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
    sla_services.on_entry_added(ticket=ticket, entry=entry)
    if requester_reply:
        # The owner hears of the requester's reply; the source system already told its own
        # users about its comments, so those are not mailed again.
        _announce_entry(ticket=ticket, entry=entry, actor=actor, requester_reply=True)
    return entry


# --- attachments ---------------------------------------------------------------------------


def clean_filename(name: str) -> str:
    """The last path part, without control characters, quotes or separators; never empty."""
    import os
    import unicodedata

    base = os.path.basename(name.replace("\\", "/"))
    kept = "".join(
        ch for ch in base if unicodedata.category(ch)[0] != "C" and ch not in '"<>:/\\|?*'
    ).strip(" .")
    return (kept or "attachment")[:200]


@transaction.atomic
def add_attachment(*, ticket_id, actor, upload, visibility: str) -> Attachment:
    """Store an uploaded file on a ticket. Requesters attach public files to their own tickets."""
    from django.conf import settings

    if visibility not in (TimelineEntry.Visibility.PUBLIC, TimelineEntry.Visibility.INTERNAL):
        raise DomainValidationError({"visibility": ["Must be 'public' or 'internal'."]})
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise DomainValidationError(
            {"file": [f"Files are limited to {settings.ATTACHMENT_MAX_BYTES} bytes."]}
        )
    ticket = lock_ticket(ticket_id)
    requester_upload = _is_requester_of(actor, ticket)
    if requester_upload and visibility != TimelineEntry.Visibility.PUBLIC:
        raise NotPermitted("Requesters may only attach public files.")
    if not requester_upload and not is_staff_role(actor):
        raise NotPermitted("Only the requester or staff may attach files to this ticket.")
    filename = clean_filename(upload.name or "")
    attachment = Attachment(
        ticket=ticket,
        filename=filename,
        content_type=(upload.content_type or "application/octet-stream")[:120],
        size=upload.size,
        visibility=visibility,
        uploaded_by=as_user(actor),
    )
    attachment.file.save(filename, upload, save=False)
    attachment.save()
    TimelineEntry.objects.create(
        ticket=ticket,
        type=TimelineEntry.Type.NOTE,
        visibility=visibility,
        author=as_user(actor),
        content=f"Attached {filename} ({upload.size} bytes).",
    )
    record_audit(
        actor=actor,
        action="ticket.attachment",
        ticket=ticket,
        data={"attachment": str(attachment.pk), "filename": filename},
    )
    return attachment


@transaction.atomic
def import_attachment(*, ticket_id, upload, visibility: str, via: str) -> Attachment | None:
    """A file that arrived from outside (an e-mail attachment). No role check (the caller
    authenticated the source); an oversized file is not stored, a system note says so."""
    from django.conf import settings

    ticket = lock_ticket(ticket_id)
    filename = clean_filename(upload.name or "")
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        record_system_entry(
            ticket=ticket, content=f"{filename} ({upload.size} bytes) from {via} was too large."
        )
        return None
    attachment = Attachment(
        ticket=ticket,
        filename=filename,
        content_type=(upload.content_type or "application/octet-stream")[:120],
        size=upload.size,
        visibility=visibility,
    )
    attachment.file.save(filename, upload, save=False)
    attachment.save()
    record_audit(
        actor=None,
        action="ticket.attachment",
        ticket=ticket,
        data={"attachment": str(attachment.pk), "filename": filename, "via": via},
    )
    return attachment


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
