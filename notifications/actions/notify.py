"""Every write of the notifications app. ``notify`` is the one entry point that the rules engine,
SLA, envelopes, reminders and the ticket lifecycle use to tell people things.

``notify(*, recipients, event_type, ticket=None, payload)``, in one transaction (and
``notify_many(*, requests)``, the same for many notifications at once: a batch subscriber's
wave of tickets, planned in a constant number of statements, see .planning):

1. resolves the recipients (see notifications.recipients) and checks the event type against
   them: agent events go to staff, requester events (ticket_received, public_reply,
   waiting_on_you, resolved) to requesters;
2. refuses internal content for requesters: a payload with ``"internal": true``, a
   ``visibility`` of internal / envelope_only, or an ``entry_id`` of a timeline entry that is not
   public raises NotPermitted; requesters' payloads keep only planning.REQUESTER_PAYLOAD_KEYS;
3. applies each agent's preference or the default (see notifications.policy), quiet hours in
   the agent's time zone and digest timing, and writes in-app ``Notification`` rows and
   ``NotificationQueue`` rows (e-mail per person; Teams/Slack once per team channel);
4. after commit: pushes the in-app rows over the channel layer and hands every row that is due
   now to the batch delivery task, one task for all the rows a transaction made due (e-mails
   over one SMTP connection). Rows scheduled later are picked up by the beat tasks.

Sending, retries and the admin's retry/cancel: notifications.actions.delivery and .queue.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.background import run_or_queue
from core.exceptions import DomainValidationError, NotPermitted
from notifications.actions import inserts, planning
from notifications.actions.planning import Checked
from notifications.models import REQUESTER_EVENTS, EventType, Notification, NotificationQueue
from notifications.realtime import push_notifications
from notifications.recipients import Recipients, resolve_many
from notifications.tasks import deliver_many
from tickets.models import Ticket, TimelineEntry

EVENT_TYPES = frozenset(EventType.values)  # the property builds a new list at each call
INTERNAL_VISIBILITIES = frozenset(
    {TimelineEntry.Visibility.INTERNAL, TimelineEntry.Visibility.ENVELOPE_ONLY}
)


@dataclass(frozen=True)
class NotifyRequest:
    """One notification of a batch: notify's arguments."""

    recipients: object
    event_type: str
    ticket: Ticket | None = None
    payload: dict = field(default_factory=dict)


@dataclass
class NotifyResult:
    queued: list[NotificationQueue]
    notifications: list[Notification]


@transaction.atomic
def notify(*, recipients, event_type: str, ticket: Ticket | None = None, payload) -> NotifyResult:
    request = NotifyRequest(recipients, event_type, ticket, payload)
    return notify_many(requests=[request])[0]


@transaction.atomic
def notify_many(*, requests: Sequence[NotifyRequest]) -> list[NotifyResult]:
    """Each request as ``notify`` would do it, one result each in order; a request that is
    refused refuses the batch (nothing is written)."""
    for request in requests:  # an unknown event type is the first thing said, as ever
        _known(request.event_type)
    everyone = resolve_many([request.recipients for request in requests])
    checked = [_checked(request, found) for request, found in zip(requests, everyone, strict=True)]
    now = timezone.now()
    planned = planning.plan_all(checked, now=now)
    queued = [row for plan in planned for row in plan.queued]
    notes = [note for plan in planned for note in plan.notifications]
    NotificationQueue.objects.bulk_create(queued)
    inserts.insert(notes)  # each message's text once, on PostgreSQL
    push_notifications(notes)  # sent together after the commit (core.realtime)
    _deliver_after_commit([str(row.pk) for row in queued if planning.is_due_now(row, now)])
    return [NotifyResult(queued=plan.queued, notifications=plan.notifications) for plan in planned]


def _checked(request: NotifyRequest, found: Recipients) -> Checked:
    event_type, ticket = request.event_type, request.ticket
    payload = _json_payload(request.payload)
    if found.agents and event_type in REQUESTER_EVENTS:
        raise DomainValidationError({"event_type": [f"{event_type} is for requesters only."]})
    if found.requesters:
        _ensure_requester_safe(event_type=event_type, ticket=ticket, payload=payload)
    return Checked(found=found, event_type=event_type, ticket=ticket, payload=payload)


def _known(event_type: str) -> None:
    if event_type not in EVENT_TYPES:
        raise DomainValidationError({"event_type": [f"Unknown event type {event_type!r}."]})


def _json_payload(payload) -> dict:
    if not isinstance(payload, dict):
        raise DomainValidationError({"payload": ["The payload must be a mapping."]})
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def _ensure_requester_safe(*, event_type: str, ticket: Ticket | None, payload: dict) -> None:
    if event_type not in REQUESTER_EVENTS:
        raise DomainValidationError({"event_type": [f"{event_type} is not a requester event."]})
    if ticket is None:
        raise DomainValidationError({"ticket": ["Requester messages are about a ticket."]})
    if payload.get("internal") is True or payload.get("visibility") in INTERNAL_VISIBILITIES:
        raise NotPermitted("Internal content is never sent to a requester.")
    entry_id = payload.get("entry_id")
    if entry_id is not None:
        try:
            visibility = (
                TimelineEntry.objects.filter(pk=entry_id, ticket=ticket)
                .values_list("visibility", flat=True)
                .first()
            )
        except (ValidationError, ValueError):
            visibility = None
        if visibility != TimelineEntry.Visibility.PUBLIC:
            raise NotPermitted("Only public timeline entries are sent to a requester.")


# --- one delivery task per commit --------------------------------------------------------------


class _DeliverAfterCommit:
    """The due rows of one transaction, handed to one ``deliver_many`` task after its commit:
    a wave's subscribers and a transaction's several notify calls share one task and one SMTP
    connection instead of a task per row."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.started = False

    def __call__(self) -> None:
        self.started = True
        run_or_queue(deliver_many, self.ids)


def _deliver_after_commit(ids: list[str]) -> None:
    """Add the rows to the transaction's pending batch, or register one. Any batch not started
    yet will do: one whose savepoint rolled back is no longer pending, and the ids of rows that
    a later savepoint's rollback undid are skipped by the delivery (it claims only rows it
    finds). A started one may still be listed (a test's captured callbacks stay)."""
    if not ids:
        return
    pending = transaction.get_connection().run_on_commit
    batch = next(
        (
            callback
            for _, callback, *_ in reversed(pending)
            if isinstance(callback, _DeliverAfterCommit) and not callback.started
        ),
        None,
    )
    if batch is None:
        batch = _DeliverAfterCommit()
        transaction.on_commit(batch, robust=True)
    batch.ids.extend(ids)
