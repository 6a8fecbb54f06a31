"""Webhook ingestion: signature, idempotency, create-or-update, comments, and the delivery log.

Duplicates are stopped by unique constraints, not by looking first: the Idempotency-Key row
(``idempotency_source_key_uniq``) and the ticket's ``(source, external_id)``
(``ticket_source_external_id_uniq``). Each insert runs in a savepoint; the loser of a race gets
an IntegrityError, rolls back its savepoint and answers with the winner's ticket. So concurrent
copies of one delivery make exactly one ticket, and a retry is always harmless."""

import hashlib
import time
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import record_audit
from core.compiled import CompiledQuery
from core.exceptions import DomainError
from core.memo import VersionedMemo
from integrations import signing
from integrations.models import IdempotencyRecord, ImportedComment, SourceConfig, WebhookDelivery
from integrations.standard import (
    UPDATE,
    Comment,
    InboundEvent,
    Person,
    StandardTicket,
    clean_data,
    derive_priority,
)
from tickets.actions import contacts, creation, timeline, updates
from tickets.actions.logins import AddressHasLogin
from tickets.lifecycle import TicketStatus
from tickets.models import Ticket, TimelineEntry
from tickets.selectors import lock_ticket

PROCESSING, DUPLICATE, UPDATED = "processing", "duplicate", "updated"


class IdempotencyConflict(DomainError):
    """The Idempotency-Key was used before with another body (409, nothing changes)."""


@dataclass(frozen=True)
class Received:
    """The facts of one delivery, for the log whatever its fate."""

    source: str = ""
    key_prefix: str = ""
    idempotency_key: str = ""
    body_sha256: str = ""
    remote_addr: str = ""


@dataclass(frozen=True)
class Result:
    status: str  # processing | duplicate | updated
    ticket: Ticket
    reason: str = ""

    @property
    def http_status(self) -> int:
        return 202 if self.status == PROCESSING else 200


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


# Each source's signing settings, read on every delivery: memoised per process until one
# changes (core.memo). Read-only instances.
source_config_memo = VersionedMemo(
    "source-configs", lambda: {config.source: config for config in SourceConfig.objects.all()}
)


def source_configs() -> dict[str, SourceConfig]:
    return source_config_memo.get()


def check_signature(
    *, source: str, body: bytes, signature: str, timestamp: str, now: float | None = None
) -> str | None:
    """None when the delivery may go on, else why it is refused (401)."""
    config = source_configs().get(source)
    if not signature:
        if config is not None and config.require_signature:
            return "This source requires a signature (X-Signature, X-Timestamp)."
        return None
    if config is None or not config.signing_secret:
        return "A signature was sent but this source has no signing secret configured."
    return signing.check(
        secret=config.signing_secret,
        header=signature,
        timestamp=timestamp,
        body=body,
        now=time.time() if now is None else now,
        tolerance=settings.INTEGRATIONS_SIGNATURE_TOLERANCE,
    )


@transaction.atomic
def ingest(*, event: InboundEvent, received: Received, actor) -> Result:
    """Create, de-duplicate or update the ticket for one delivery, with its comments and the
    log row, in one transaction. Raises IdempotencyConflict (409) and DomainError (400)."""
    claimed = _claim_idempotency_key(received)
    if isinstance(claimed, Result):
        result = claimed
    else:
        result = _create_or_update(event=event, source=received.source, actor=actor)
        if claimed is not None:
            claimed.ticket = result.ticket
            claimed.save(update_fields=["ticket"])
    if event.comments:
        _import_comments(ticket=result.ticket, comments=event.comments, source=received.source)
    outcome = {
        PROCESSING: WebhookDelivery.Outcome.CREATED,
        DUPLICATE: WebhookDelivery.Outcome.DUPLICATE,
        UPDATED: WebhookDelivery.Outcome.UPDATED,
    }[result.status]
    _log(
        received=received,
        status_code=result.http_status,
        outcome=outcome,
        reason=result.reason,
        ticket=result.ticket,
        actor=actor,
    )
    return result


@transaction.atomic
def record_refusal(*, received: Received, status_code: int, reason: str, actor=None) -> None:
    """A refused delivery still leaves its log row and an audit row, with the reason."""
    _log(
        received=received,
        status_code=status_code,
        outcome=WebhookDelivery.Outcome.REFUSED,
        reason=reason,
        ticket=None,
        actor=actor,
    )


def _log(*, received: Received, status_code: int, outcome: str, reason: str, ticket, actor):
    delivery = WebhookDelivery.objects.create(
        source=received.source[:40],
        key_prefix=received.key_prefix[:8],
        idempotency_key=received.idempotency_key[:200],
        status_code=status_code,
        outcome=outcome,
        reason=reason[:2000],
        body_sha256=received.body_sha256,
        remote_addr=received.remote_addr[:64],
        ticket=ticket,
    )
    record_audit(
        actor=actor,
        action="webhook.refused"
        if outcome == WebhookDelivery.Outcome.REFUSED
        else "webhook.accepted",
        ticket=ticket,
        data={
            "delivery": delivery.pk,
            "source": delivery.source,
            "status": status_code,
            "outcome": outcome,
            "reason": delivery.reason,
            "key_prefix": delivery.key_prefix,
        },
    )
    return delivery


# --- idempotency -----------------------------------------------------------------------------


def _claim_idempotency_key(received: Received) -> IdempotencyRecord | Result | None:
    """Insert the key's row (ours to fill), or find the earlier delivery's (a duplicate, or a
    conflict when the body differs). None without a key."""
    if not received.idempotency_key:
        return None
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                source=received.source,
                key=received.idempotency_key,
                body_sha256=received.body_sha256,
            )
    except IntegrityError:
        pass
    earlier = IdempotencyRecord.objects.select_related("ticket").get(
        source=received.source, key=received.idempotency_key
    )
    if earlier.created_at < timezone.now() - retention() or earlier.ticket is None:
        # Expired but not purged yet (or its ticket deleted): the key starts afresh.
        earlier.delete()
        return _claim_idempotency_key(received)
    if earlier.body_sha256 != received.body_sha256:
        raise IdempotencyConflict("This Idempotency-Key was used with a different body.")
    return Result(DUPLICATE, earlier.ticket, "Same Idempotency-Key and body as before.")


def retention():
    from datetime import timedelta

    return timedelta(hours=max(24, settings.INTEGRATIONS_IDEMPOTENCY_HOURS))


def purge_idempotency_records(*, now=None) -> int:
    """Drop keys older than the retention (at least 24 h)."""
    now = now or timezone.now()
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=now - retention()).delete()
    return deleted


# --- tickets ---------------------------------------------------------------------------------


# Asked on every delivery: the SQL compiled once per process (core.compiled).
_BY_SOURCE_ID = CompiledQuery(
    lambda source, external_id: Ticket.objects.filter(source=source, external_id=external_id),
    str,
    str,
)


def _known(source: str, external_id: str) -> Ticket | None:
    return _BY_SOURCE_ID.first(source, external_id)


def _create_or_update(*, event: InboundEvent, source: str, actor) -> Result:
    standard = replace(event.ticket, source=source)
    known = _known(source, standard.ticket_id)
    if known is None:
        try:
            # create_ticket's own transaction is the savepoint (this runs inside ingest's): a
            # lost race on the source id rolls back to it, and the winner's ticket answers.
            return Result(PROCESSING, _create(standard=standard, actor=actor))
        except IntegrityError:
            known = _known(source, standard.ticket_id)
            if known is None:
                raise
    if event.kind == UPDATE:
        return _update(ticket=known, standard=standard, actor=actor)
    return Result(DUPLICATE, known, "A ticket with this source id exists.")


def _create(*, standard: StandardTicket, actor) -> Ticket:
    try:
        return _open(standard=standard, actor=actor)
    except AddressHasLogin as refusal:
        # API.md asks a delivery for a title and a source id only: a staff member named as the
        # requester does not fail it (nor its retries). Tickets makes no contact under their
        # address; the ticket gets the placeholder requester and keeps the address named.
        refused = refused_requester(standard.requester, refusal)
        unnamed = replace(standard, requester=Person())  # the CRM id too: not the placeholder's
        return _open(standard=unnamed, actor=actor, refused=refused)


def _open(*, standard: StandardTicket, actor, refused: dict | None = None) -> Ticket:
    location = standard.requester_location
    metadata = clean_data(dict(standard.external_metadata))
    if refused is not None:
        metadata["requester_refused"] = refused
    if standard.ticket_number:
        metadata["ticket_number"] = standard.ticket_number
    if location is not None:
        metadata["requester_location"] = {
            "lat": location.lat,
            "lng": location.lng,
            "timezone": location.timezone,
        }
    ticket = creation.create_ticket(
        actor=actor,
        data=creation.NewTicket(
            title=standard.title,
            requester_email=standard.requester.email or placeholder_requester(standard.source),
            requester_name=standard.requester.name,
            requester_crm_id=standard.requester.crm_id,
            description=standard.description,
            type=standard.type,
            category=standard.category,
            priority=standard.priority,
            urgency=standard.urgency,
            impact=standard.impact,
            source=standard.source,
            external_id=standard.ticket_id,
            external_metadata=metadata,
        ),
    )
    if location is not None and standard.requester.email:
        contacts.set_contact_location(
            contact=ticket.requester,
            latitude=location.lat,
            longitude=location.lng,
            timezone=location.timezone,
        )
    return ticket


def placeholder_requester(source: str) -> str:
    """Sources that do not name the requester's e-mail (Jira hides it by default)."""
    return f"unknown+{source}@integrations.invalid"


def refused_requester(person: Person, refusal: AddressHasLogin) -> dict:
    """What a ticket keeps in its metadata of a requester tickets refused (a staff address)."""
    reason = " ".join(message for messages in refusal.errors.values() for message in messages)
    return {"email": person.email, "name": person.name, "reason": reason}


def _update(*, ticket: Ticket, standard: StandardTicket, actor) -> Result:
    if ticket.status == TicketStatus.CLOSED:
        return Result(UPDATED, ticket, "The ticket is closed; its fields were not changed.")
    wanted = {
        "title": standard.title,
        "description": standard.description or None,
        "category": standard.category or None,
        "type": standard.type,
        "urgency": standard.urgency or None,
        "impact": standard.impact or None,
    }
    priority = standard.priority
    if priority is None and (standard.urgency or standard.impact):
        priority = derive_priority(
            standard.urgency or ticket.urgency, standard.impact or ticket.impact
        )
    wanted["priority"] = priority
    changes = {
        name: value
        for name, value in wanted.items()
        if value is not None and value != getattr(ticket, name)
    }
    if changes:
        ticket = updates.update_ticket(ticket_id=ticket.pk, actor=actor, changes=changes)
    reason = f"Changed: {', '.join(sorted(changes))}." if changes else "Nothing changed."
    return Result(UPDATED, ticket, reason)


# --- comments --------------------------------------------------------------------------------


def comment_key(comment: Comment) -> str:
    if comment.external_id:
        return f"id:{comment.external_id}"[:128]
    digest = hashlib.sha256(f"{comment.internal}:{comment.content}".encode()).hexdigest()
    return f"sha256:{digest}"


def _import_comments(*, ticket: Ticket, comments: tuple[Comment, ...], source: str) -> int:
    """Write comments not imported before (the ticket row lock serialises concurrent copies)."""
    lock_ticket(ticket.pk)
    keys = {comment_key(c): c for c in comments}
    seen = set(
        ImportedComment.objects.filter(ticket=ticket, key__in=list(keys)).values_list(
            "key", flat=True
        )
    )
    written = 0
    for key, comment in keys.items():
        if key in seen:
            continue
        author = comment.author.name or comment.author.email
        header = f"{author} via {source}" if author else f"Via {source}"
        entry = timeline.import_timeline_entry(
            ticket_id=ticket.pk,
            type=TimelineEntry.Type.NOTE,
            visibility=(
                TimelineEntry.Visibility.INTERNAL
                if comment.internal
                else TimelineEntry.Visibility.PUBLIC
            ),
            content=f"{header}:\n{comment.content}",
        )
        ImportedComment.objects.create(ticket=ticket, key=key, entry=entry)
        written += 1
    return written
