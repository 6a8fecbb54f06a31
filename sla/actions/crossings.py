"""Recording the crossings of SLA thresholds (a warning, a breach), each once: the crossing row,
a system line on the ticket's timeline, an audit row, a follow-up reminder for the owner of a
warned ticket, and the ``sla.warning`` / ``sla.breached`` event that notifications, routing
rules and the dashboard hear. A constant number of statements for any number of crossings."""

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from core.audit import AuditRow, record_audit_rows
from core.events import publish_many
from sla import selectors
from sla.clocks import Crossing
from sla.events import SLA_BREACHED, SLA_WARNING
from sla.models import Reminder, SLAClock, SLACrossing
from tickets.actions.timeline import add_system_notes
from tickets.events import stream_of, summary


def describe(crossing: SLACrossing) -> str:
    target = crossing.kind.rsplit("_", 1)[0].replace("_", " ")
    due = f"{crossing.threshold_at:%Y-%m-%d %H:%M} UTC"
    if crossing.is_breach:
        return f"SLA breached: {target} was due {due}."
    return f"SLA warning: {target} due soon (warning threshold {due})."


def record_crossings(
    pending: list[tuple[SLAClock, Crossing]],
    *,
    tickets: dict,
    now: datetime,
    instants: Mapping[Any, datetime] | None = None,
) -> list[SLACrossing]:
    """Insert the crossings (a row that exists already is skipped), then write the rest for
    the ones this call inserted. ``tickets`` maps ticket ids to the (loaded) tickets;
    ``instants`` maps ticket ids to the instant their crossings were seen at where it is not
    ``now`` (a batch of starts, each as of its own event)."""
    if not pending:
        return []
    instants = instants or {}
    token = uuid.uuid4()
    SLACrossing.objects.bulk_create(
        [
            SLACrossing(
                ticket_id=clock.ticket_id,
                clock=clock,
                policy_id=clock.policy_id,
                kind=crossing.kind,
                threshold_at=crossing.at,
                recorded_at=instants.get(clock.ticket_id, now),
                token=token,
            )
            for clock, crossing in pending
        ],
        ignore_conflicts=True,
    )
    recorded = list(SLACrossing.objects.filter(token=token))
    if not recorded:
        return []
    add_system_notes(notes=[(c.ticket_id, describe(c)) for c in recorded])
    record_audit_rows(
        AuditRow(
            action=f"sla.{c.kind}",
            ticket_id=c.ticket_id,
            data={"threshold_at": c.threshold_at.isoformat(), "policy": c.policy_id},
        )
        for c in recorded
    )
    dues = {(clock.ticket_id, crossing.kind): clock for clock, crossing in pending}
    reminders = [
        _warning_reminder(
            c,
            dues[(c.ticket_id, c.kind)],
            tickets[c.ticket_id].owner_id,
            instants.get(c.ticket_id, now),
        )
        for c in recorded
        if not c.is_breach
    ]
    Reminder.objects.bulk_create([r for r in reminders if r is not None])
    _announce(recorded, tickets)
    return recorded


def _warning_reminder(crossing, clock, owner_id, now) -> Reminder | None:
    """A follow-up for the owner half-way between the warning and the breach."""
    target = crossing.kind.rsplit("_", 1)[0]
    due = getattr(clock, f"{target}_due")
    if owner_id is None or due is None or due <= now:
        return None
    trigger = now + (due - now) / 2
    return Reminder(
        user_id=owner_id,
        ticket_id=crossing.ticket_id,
        kind=Reminder.Kind.SLA_WARNING,
        message=f"SLA {target.replace('_', ' ')} due {due:%Y-%m-%d %H:%M} UTC.",
        trigger_at=trigger,
        first_trigger_at=trigger,
    )


def _announce(crossings: list[SLACrossing], tickets: dict) -> None:
    """One event per crossing, with whom its policy's escalation actions name."""
    policies = {policy.pk: policy for policy in selectors.memoised_policies()}
    events = []
    for crossing in crossings:
        policy = policies.get(crossing.policy_id)
        threshold = "breach" if crossing.is_breach else "warning"
        notify = sorted(
            {
                name
                for action in (policy.escalation_actions if policy else [])
                if action["at"] == threshold
                for name in action["notify"]
            }
        )
        events.append(
            (
                SLA_BREACHED if crossing.is_breach else SLA_WARNING,
                stream_of(crossing.ticket_id),
                {
                    "ticket": summary(tickets[crossing.ticket_id]),
                    "kind": crossing.kind,
                    "threshold_at": crossing.threshold_at.isoformat(),
                    "policy": policy.name if policy else "",
                    "notify": notify,
                    "message": describe(crossing),
                },
            )
        )
    publish_many(events)
