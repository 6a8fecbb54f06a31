"""Case flags (physical damage, social media, VIP, legal, repeat contact): the one service that
sets and removes them, for the desk, the API, the admin and routing rules
(tickets.actions.decisions) alike.

A flag is set once: setting it again changes nothing and says nothing. A new flag (and a
removed one) leaves its audit row, a system line on the timeline and one event,
``ticket.flagged`` (``ticket.unflagged``), in the same transaction. The event is what makes a
flag act, once, after the commit (docs/case-handling.md):

- ``social_media``: the managers are told (notifications); the SLA clock moves to the next
  stricter policy (sla), and back when the flag goes;
- ``legal``: an envelope opens to the team ``ITSM_LEGAL_TEAM`` names (escalations). Without
  such an active team the flag is refused here, before anything is written;
- ``repeat_contact``: the ticket's owner (else its team) is told (notifications);
- ``vip``: the ticket's priority score counts it as VIP (tickets.priority), written here;
- ``physical_damage`` and ``social_media``: the calibration queue reads the flag rows (who set
  them and when: ``created_by``, ``created_at``).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.audit import AuditRow, as_user, record_audit, record_audit_rows
from core.bulk import bulk_set
from core.exceptions import DomainValidationError, NotPermitted
from core.roles import is_staff_role
from org.models import Team
from tickets.actions.journal import record_system_entries, record_system_entry
from tickets.events import (
    TICKET_FLAGGED,
    TICKET_UNFLAGGED,
    publish_ticket_event,
    publish_ticket_events,
    ticket_event,
)
from tickets.models import CaseFlag, Ticket
from tickets.priority import score_of
from tickets.selectors import lock_ticket

Kind = CaseFlag.Kind
NOTE_MAX = CaseFlag._meta.get_field("note").max_length


def legal_team() -> Team | None:
    """The active team ``ITSM_LEGAL_TEAM`` names, or None."""
    slug = getattr(settings, "ITSM_LEGAL_TEAM", "")
    return Team.objects.filter(slug=slug, status=Team.Status.ACTIVE).first() if slug else None


def legal_team_missing() -> str | None:
    """Why a legal flag cannot be set now, or None when it can."""
    slug = getattr(settings, "ITSM_LEGAL_TEAM", "")
    if not slug:
        return "No legal team is configured (set ITSM_LEGAL_TEAM to a team's slug)."
    if legal_team() is None:
        return f"The legal team '{slug}' (ITSM_LEGAL_TEAM) does not exist or is not active."
    return None


def check_kind(kind) -> str:
    if kind not in Kind.values:
        known = ", ".join(Kind.values)
        shown = str(kind)[:40]
        raise DomainValidationError({"kind": [f"Unknown flag '{shown}'. Known: {known}."]})
    return kind


def _check_note(note) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainValidationError({"reason": [f"At most {NOTE_MAX} characters."]})
    return note


def _label(kind: str, note: str = "") -> str:
    label = Kind(kind).label
    return f"{label}: {note}" if note else label


@transaction.atomic
def add_flag(*, ticket_id, actor, kind: str, note: str = "") -> CaseFlag:
    """Flag the ticket (staff only). Returns the flag, new or as it was."""
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins flag tickets.")
    check_kind(kind)
    note = _check_note(note)
    if kind == Kind.LEGAL and (why := legal_team_missing()):
        raise DomainValidationError({"kind": [why]})
    flag, _ = flag_ticket(ticket=lock_ticket(ticket_id), actor=actor, kind=kind, note=note)
    return flag


def flag_ticket(*, ticket: Ticket, actor, kind: str, note: str, data=None):
    """Set a flag on a locked ticket, once: the second time changes nothing and says nothing.
    Returns the flag and whether it is new."""
    flag, created = CaseFlag.objects.get_or_create(
        ticket=ticket, kind=kind, defaults={"note": note, "created_by": as_user(actor)}
    )
    if created:
        record_system_entry(ticket=ticket, content=f"Flagged {_label(kind, note)}.", actor=actor)
        record_audit(
            actor=actor,
            action="ticket.flagged",
            ticket=ticket,
            data={"kind": kind, "note": note, **(data or {})},
        )
        if kind == Kind.VIP:
            _set_vip([ticket], True)
        publish_ticket_event(TICKET_FLAGGED, ticket=ticket, actor=actor, kind=kind, note=note)
    return flag, created


@transaction.atomic
def remove_flag(*, ticket_id, actor, kind: str) -> bool:
    """Take the flag off (staff only); returns whether there was one."""
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins unflag tickets.")
    check_kind(kind)
    ticket = lock_ticket(ticket_id)
    deleted, _ = CaseFlag.objects.filter(ticket=ticket, kind=kind).delete()
    if deleted:
        record_system_entry(ticket=ticket, content=f"Flag removed: {_label(kind)}.", actor=actor)
        record_audit(actor=actor, action="ticket.unflagged", ticket=ticket, data={"kind": kind})
        if kind == Kind.VIP:
            _set_vip([ticket], False)
        publish_ticket_event(TICKET_UNFLAGGED, ticket=ticket, actor=actor, kind=kind)
    return bool(deleted)


def _set_vip(tickets: list[Ticket], flagged: bool) -> None:
    """The locked tickets' VIP flag as a factor of their score (one statement)."""
    now = timezone.now()
    for ticket in tickets:
        ticket.vip_flagged = flagged
        ticket.priority_score = score_of(ticket)
        ticket.updated_at = now
    bulk_set(Ticket, tickets, ["vip_flagged", "priority_score", "updated_at"])


def flag_tickets(
    *, wanted: list[tuple[Ticket, str, str]], actor, by: str | None = "routing"
) -> list:
    """``flag_ticket`` for many locked tickets, ``(ticket, kind, note)`` each (routing rules'
    add_flag, repeat contacts), in a constant few statements: each flag once, with its timeline
    line, audit row (naming ``by`` unless it is None) and event. A legal flag without a legal
    team is not set: the ticket's timeline says why (a rule cannot be answered with an error).
    Returns the new ``(ticket, kind, note)``."""
    if not wanted:
        return []
    refused = legal_team_missing() if any(k == Kind.LEGAL for _, k, _ in wanted) else None
    skipped = [(t, f"Flag legal not set: {refused}") for t, k, _ in wanted if k == Kind.LEGAL]
    wanted = [item for item in wanted if not (refused and item[1] == Kind.LEGAL)]
    new = _new_flags(wanted=wanted, actor=actor)
    lines = (skipped if refused else []) + [(t, f"Flagged {_label(k, n)}.") for t, k, n in new]
    record_system_entries(entries=lines, actor=actor)
    _set_vip(list({t.pk: t for t, k, _ in new if k == Kind.VIP}.values()), True)
    data = [(t, {"kind": k, "note": n} | ({"by": by} if by else {})) for t, k, n in new]
    record_audit_rows([AuditRow("ticket.flagged", t.pk, d, actor) for t, d in data])
    publish_ticket_events(
        [ticket_event(TICKET_FLAGGED, ticket=t, actor=actor, kind=k, note=n) for t, k, n in new]
    )
    return new


def _new_flags(*, wanted: list[tuple[Ticket, str, str]], actor) -> list[tuple[Ticket, str, str]]:
    """The flags not set yet, inserted in one statement after one read."""
    if not wanted:
        return []
    existing = CaseFlag.objects.filter(
        ticket_id__in={ticket.pk for ticket, _, _ in wanted},
        kind__in={kind for _, kind, _ in wanted},
    ).values_list("ticket_id", "kind")
    seen = set(existing)
    new = []
    for ticket, kind, note in wanted:
        if (ticket.pk, kind) not in seen:
            seen.add((ticket.pk, kind))
            new.append((ticket, kind, (note or "")[:NOTE_MAX]))
    by = as_user(actor)
    CaseFlag.objects.bulk_create(
        CaseFlag(ticket=ticket, kind=kind, note=note, created_by=by) for ticket, kind, note in new
    )
    return new
