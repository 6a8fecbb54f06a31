"""Inbound e-mail through `manage.py ingest_email < message.eml`: new tickets, threading,
auto-reply and bounce suppression, Message-ID de-duplication, attachments."""

import io
import sys
from email.message import EmailMessage

import pytest
from django.core.management import call_command

from core.models import AuditLog
from integrations.models import InboundEmail
from tests import factories
from tickets.models import Attachment, Ticket, TimelineEntry

pytestmark = pytest.mark.django_db


def message(
    *,
    subject="Printer on fire",
    sender="Ana Lima <ana@customer.example>",
    to="support@localhost",
    body="It is really on fire.",
    html=None,
    message_id="<m1@customer.example>",
    **headers,
) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    if message_id:
        mail["Message-ID"] = message_id
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    if html is not None:
        mail.add_alternative(html, subtype="html")
    return bytes(mail)


def ingest(raw: bytes, monkeypatch) -> str:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("ingest_email", stdout=out)
    return out.getvalue()


def test_new_mail_makes_a_ticket(monkeypatch):
    output = ingest(message(), monkeypatch)

    ticket = Ticket.objects.select_related("requester").get()
    assert output.startswith(f"created: {ticket.reference}")
    assert (ticket.title, ticket.source, ticket.description) == (
        "Printer on fire",
        "email",
        "It is really on fire.",
    )
    assert (ticket.requester.email, ticket.requester.name) == ("ana@customer.example", "Ana Lima")
    record = InboundEmail.objects.get()
    assert (record.outcome, record.ticket_id, record.message_id) == (
        "created",
        ticket.pk,
        "<m1@customer.example>",
    )
    assert AuditLog.objects.filter(action="email.created", ticket_id=ticket.pk).exists()


def test_the_same_message_id_is_taken_once(monkeypatch):
    ingest(message(), monkeypatch)
    output = ingest(message(body="resent"), monkeypatch)
    assert output.startswith("Already taken")
    assert Ticket.objects.count() == 1
    assert InboundEmail.objects.count() == 1


def test_html_only_mail_is_sanitised_to_text(monkeypatch):
    mail = EmailMessage()
    mail["From"] = "ana@customer.example"
    mail["Subject"] = "HTML"
    mail["Message-ID"] = "<h@x>"
    mail.set_content(
        "<p>Hello &amp; welcome</p><script>steal()</script><img src=x onerror=alert(1)>",
        subtype="html",
    )
    ingest(bytes(mail), monkeypatch)
    assert Ticket.objects.get().description == "Hello & welcome"


def test_attachments_are_stored(monkeypatch):
    mail = EmailMessage()
    mail["From"] = "ana@customer.example"
    mail["Subject"] = "Screenshot"
    mail["Message-ID"] = "<a@x>"
    mail.set_content("See attached.")
    mail.add_attachment(
        b"\x89PNG fake", maintype="image", subtype="png", filename="../../screen.png"
    )
    ingest(bytes(mail), monkeypatch)

    attachment = Attachment.objects.get()
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "screen.png",
        "image/png",
        9,
    )
    assert attachment.visibility == "public"
    assert attachment.file.read() == b"\x89PNG fake"


@pytest.fixture
def existing(db):
    contact = factories.ContactFactory(email="ana@customer.example")
    return factories.TicketFactory(requester=contact, reference="INC-2026-000123")


@pytest.mark.parametrize(
    "threading",
    [
        {"In_Reply_To": "<ticket.{id}@localhost>"},
        {"References": "<other@x> <ticket.{id}@localhost>"},
        {"subject": "Re: [INC-2026-000123] Printer"},
        {"to": "support+INC-2026-000123@localhost"},
    ],
)
def test_replies_are_threaded(monkeypatch, existing, threading):
    fields = {k: v.format(id=existing.pk) for k, v in threading.items()}
    fields.setdefault("subject", "Re: something")
    ingest(message(message_id="<reply@x>", body="Still burning.", **fields), monkeypatch)

    assert Ticket.objects.count() == 1
    entry = existing.timeline.get(type=TimelineEntry.Type.EMAIL)
    assert (entry.content, entry.visibility) == ("Still burning.", "public")
    assert entry.author_contact_id == existing.requester_id
    assert InboundEmail.objects.get().outcome == "threaded"


def test_reply_to_a_notification_message_id_is_threaded(monkeypatch, existing):
    from django.utils import timezone

    from notifications.models import NotificationQueue

    row = NotificationQueue.objects.create(
        ticket=existing,
        event_type="assigned",
        channel="email",
        to_email="ana@customer.example",
        scheduled_for=timezone.now(),
    )
    ingest(message(In_Reply_To=f"<notification.{row.pk}@localhost>"), monkeypatch)
    assert existing.timeline.filter(type=TimelineEntry.Type.EMAIL).count() == 1


def test_reply_from_someone_else_is_internal(monkeypatch, existing):
    ingest(
        message(sender="mallory@evil.example", subject="[INC-2026-000123] click here"), monkeypatch
    )
    entry = existing.timeline.get(type=TimelineEntry.Type.EMAIL)
    assert entry.visibility == TimelineEntry.Visibility.INTERNAL
    assert entry.content.startswith("E-mail from mallory@evil.example")


def test_requester_reply_resumes_a_waiting_ticket(monkeypatch, existing, manager):
    from tickets.actions import lifecycle, ownership

    ownership.accept_ticket(ticket_id=existing.pk, actor=manager)
    lifecycle.wait_ticket(ticket_id=existing.pk, actor=manager)
    ingest(message(subject="Re: [INC-2026-000123]"), monkeypatch)
    existing.refresh_from_db()
    assert existing.status == "in_progress"


@pytest.mark.parametrize(
    ("headers", "sender"),
    [
        ({"Auto_Submitted": "auto-replied"}, "ana@customer.example"),
        ({"Precedence": "bulk"}, "ana@customer.example"),
        ({"X_Autoreply": "yes"}, "ana@customer.example"),
        ({}, "MAILER-DAEMON@mx.example"),
        ({}, "servicedesk@localhost"),
        ({"List_Id": "<list.example>"}, "ana@customer.example"),
    ],
)
def test_auto_replies_and_bounces_never_make_tickets(monkeypatch, headers, sender, existing):
    ingest(
        message(sender=sender, subject="Out of office [INC-2026-000123]", **headers), monkeypatch
    )
    assert Ticket.objects.count() == 1
    assert not existing.timeline.filter(type=TimelineEntry.Type.EMAIL).exists()
    record = InboundEmail.objects.get()
    assert record.outcome == "ignored" and record.reason


def test_delivery_status_report_is_a_bounce(monkeypatch):
    raw = (
        b"From: postmaster@mx.example\r\nTo: support@localhost\r\nSubject: Undelivered\r\n"
        b"Message-ID: <b@mx>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nFailed.\r\n--b--\r\n"
    )
    ingest(raw, monkeypatch)
    assert not Ticket.objects.exists()
    assert InboundEmail.objects.get().outcome == "ignored"


def test_garbage_and_missing_message_id_do_not_crash(monkeypatch):
    raw = (
        b"From: =?bogus?Q?x?= <ana@customer.example>\r\n"
        b"Subject: \xff\xfe broken\r\n\r\n\xff body\x00"
    )
    ingest(raw, monkeypatch)
    ingest(raw, monkeypatch)  # same bytes, no Message-ID: still taken once
    ticket = Ticket.objects.get()
    assert "\x00" not in ticket.description
    assert InboundEmail.objects.count() == 1
