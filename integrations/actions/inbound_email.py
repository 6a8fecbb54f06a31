"""Inbound e-mail: a new mail makes a ticket, a reply joins its ticket's timeline, an automatic
message (auto-reply, bounce, list) is recorded and dropped, and a Message-ID seen before is
taken once (``InboundEmail.message_key`` is unique). Mail arrives from the ``ingest_email``
command (a mail server pipe) or from IMAP mailboxes polled by a periodic task."""

import contextlib
import hashlib
import imaplib
import logging
import ssl
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from core.audit import record_audit
from integrations.actions.webhooks import placeholder_requester, refused_requester
from integrations.mail import ParsedMail, parse
from integrations.models import InboundEmail, Mailbox
from integrations.standard import Person
from notifications.models import NotificationQueue
from tickets.actions import attachments, creation, timeline
from tickets.actions.logins import AddressHasLogin
from tickets.models import Contact, Ticket, TimelineEntry

logger = logging.getLogger(__name__)
SOURCE = "email"


@dataclass(frozen=True)
class Taken:
    record: InboundEmail
    duplicate: bool = False


def ingest_message(*, raw: bytes, mailbox: Mailbox | None = None) -> Taken:
    mail = parse(raw)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = InboundEmail.objects.create(
                    message_key=mail.message_key,
                    message_id=mail.message_id,
                    mailbox=mailbox,
                    from_address=mail.from_email[:254],
                    subject=mail.subject,
                    outcome=InboundEmail.Outcome.IGNORED,
                )
        except IntegrityError:
            return Taken(InboundEmail.objects.get(message_key=mail.message_key), duplicate=True)
        reason = mail.automatic or _loop_reason(mail)
        if reason:
            record.reason = reason[:300]
        else:
            ticket = find_thread(mail)
            if ticket is None:
                record.ticket = _new_ticket(mail)
                record.outcome = InboundEmail.Outcome.CREATED
            else:
                _reply(mail, ticket)
                record.ticket = ticket
                record.outcome = InboundEmail.Outcome.THREADED
        record.save(update_fields=["outcome", "reason", "ticket"])
        record_audit(
            actor=None,
            action=f"email.{record.outcome}",
            ticket=record.ticket,
            data={
                "message_id": mail.message_id[:300],
                "from": mail.from_email,
                "reason": record.reason,
            },
        )
    return Taken(record)


def _loop_reason(mail: ParsedMail) -> str:
    if not mail.from_email:
        return "no valid From address"
    ours = {settings.DEFAULT_FROM_EMAIL.lower()}
    domain = getattr(settings, "NOTIFICATIONS_REPLY_DOMAIN", "")
    if mail.from_email in ours or (domain and mail.from_email.endswith("@" + domain.lower())):
        return f"sent by ourselves ({mail.from_email}): a mail loop"
    return ""


def find_thread(mail: ParsedMail) -> Ticket | None:
    """The ticket a mail answers: our thread ids in In-Reply-To/References, a notification's
    Message-ID, an earlier inbound mail of the thread, then support+<reference>@ or the
    [INC-2026-000123] subject token."""
    if mail.ticket_ids:
        ticket = Ticket.objects.filter(pk__in=mail.ticket_ids).first()
        if ticket is not None:
            return ticket
    if mail.notification_ids:
        ticket_id = (
            NotificationQueue.objects.filter(pk__in=mail.notification_ids, ticket__isnull=False)
            .values_list("ticket_id", flat=True)
            .first()
        )
        if ticket_id is not None:
            return Ticket.objects.get(pk=ticket_id)
    if mail.references:
        keys = [hashlib.sha256(ref.lower().encode()).hexdigest() for ref in mail.references]
        earlier = InboundEmail.objects.filter(message_key__in=keys, ticket__isnull=False).first()
        if earlier is not None:
            return earlier.ticket
    if mail.reference_tokens:
        return Ticket.objects.filter(reference__in=mail.reference_tokens).first()
    return None


def _new_ticket(mail: ParsedMail) -> Ticket:
    data = creation.NewTicket(
        title=mail.subject or "(no subject)",
        requester_email=mail.from_email,
        requester_name=mail.from_name,
        description=mail.body,
        source=SOURCE,
        external_id=mail.message_key,
        external_metadata={"message_id": mail.message_id[:500]},
    )
    try:
        ticket = creation.create_ticket(actor=None, data=data)
    except AddressHasLogin as refusal:
        # Sent from a staff member's address: no contact is made under it, and a mail cannot
        # be refused, so the ticket takes the placeholder requester (as a webhook's does).
        refused = refused_requester(Person(mail.from_email, mail.from_name), refusal)
        metadata = {**data.external_metadata, "requester_refused": refused}
        data = replace(
            data,
            requester_email=placeholder_requester(SOURCE),
            requester_name="",
            external_metadata=metadata,
        )
        ticket = creation.create_ticket(actor=None, data=data)
    _attach(mail, ticket, TimelineEntry.Visibility.PUBLIC)
    return ticket


def _reply(mail: ParsedMail, ticket: Ticket) -> None:
    """The requester's reply is public; anyone else's is internal (staff decide what to do
    with it), so guessing a reference never puts text in front of the requester."""
    sender = Contact.objects.filter(email__iexact=mail.from_email).first()
    by_requester = sender is not None and sender.pk == ticket.requester_id
    visibility = (
        TimelineEntry.Visibility.PUBLIC if by_requester else TimelineEntry.Visibility.INTERNAL
    )
    content = mail.body or "(empty message)"
    if not by_requester:
        content = f"E-mail from {mail.from_name or mail.from_email} <{mail.from_email}>:\n{content}"
    timeline.import_timeline_entry(
        ticket_id=ticket.pk,
        type=TimelineEntry.Type.EMAIL,
        visibility=visibility,
        content=content,
        author_contact=sender,
    )
    _attach(mail, ticket, visibility)


def _attach(mail: ParsedMail, ticket: Ticket, visibility: str) -> None:
    for item in mail.attachments:
        attachments.import_attachment(
            ticket_id=ticket.pk,
            upload=SimpleUploadedFile(item.filename, item.content, item.content_type),
            visibility=visibility,
            via="e-mail",
        )


# --- IMAP ------------------------------------------------------------------------------------


def poll_all() -> int:
    taken = 0
    for mailbox_id in Mailbox.objects.filter(enabled=True).values_list("pk", flat=True):
        taken += poll_mailbox(mailbox_id=mailbox_id)
    return taken


def poll_mailbox(*, mailbox_id, limit: int = 100) -> int:
    """Fetch unseen mail, take each once, mark it seen. A message that fails for a database
    reason stays unseen (next poll retries it); one that cannot be read at all is marked seen
    and logged, so it cannot block the mailbox. Returns how many messages were taken."""
    mailbox = Mailbox.objects.get(pk=mailbox_id)
    taken, error = 0, ""
    try:
        client = _connect(mailbox)
        try:
            client.login(mailbox.username, mailbox.password)
            status, _ = client.select(_quoted(mailbox.folder))
            if status != "OK":
                raise imaplib.IMAP4.error(f"Cannot select {mailbox.folder}.")
            _, found = client.uid("SEARCH", None, "UNSEEN")
            for uid in (found[0] or b"").split()[:limit]:
                taken += _take(client, uid, mailbox)
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                client.logout()
    except (imaplib.IMAP4.error, OSError, ssl.SSLError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("Polling mailbox %s failed: %s", mailbox.name, error)
    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_error=error)
    return taken


def _take(client, uid: bytes, mailbox: Mailbox) -> int:
    _, parts = client.uid("FETCH", uid, "(BODY.PEEK[])")
    raw = next((part[1] for part in parts or [] if isinstance(part, tuple)), None)
    if raw is None:
        return 0
    try:
        ingest_message(raw=raw, mailbox=mailbox)
    except DatabaseError:
        logger.exception("Mail %s of %s left unseen for the next poll", uid, mailbox.name)
        return 0
    except Exception:  # a message we cannot read must not block the mailbox
        logger.exception("Mail %s of %s could not be taken; marked seen", uid, mailbox.name)
    client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    return 1


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    if mailbox.use_ssl:
        return imaplib.IMAP4_SSL(
            mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(), timeout=30
        )
    client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=30)
    if "STARTTLS" in client.capabilities:
        client.starttls(ssl_context=ssl.create_default_context())
    return client


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
