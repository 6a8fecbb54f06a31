"""The IMAP poller against a real IMAP server process on 127.0.0.1 (pymap, started here)."""

import imaplib
import socket
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

from integrations.actions.inbound_email import poll_mailbox
from integrations.models import InboundEmail, Mailbox
from integrations.tasks import poll_mailboxes
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "support@localhost", "imap-pass"


@pytest.fixture
def imap_port():
    """A listening socket bound here and handed to the server process: clients can connect at
    once (the kernel queues them until the server reads its socket)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.integrations.imap_server",
            str(listener.fileno()),
            USER,
            PASSWORD,
        ],
        pass_fds=[listener.fileno()],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield listener.getsockname()[1]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        listener.close()
        if process.stderr:
            process.stderr.close()


def deliver(port: int, *messages: bytes) -> None:
    client = imaplib.IMAP4("127.0.0.1", port, timeout=30)
    client.login(USER, PASSWORD)
    for raw in messages:
        status, _ = client.append("INBOX", None, None, raw)
        assert status == "OK"
    client.logout()


def unseen(port: int) -> list[bytes]:
    client = imaplib.IMAP4("127.0.0.1", port, timeout=30)
    client.login(USER, PASSWORD)
    client.select("INBOX")
    _, found = client.uid("SEARCH", None, "UNSEEN")
    client.logout()
    return found[0].split()


def mail(subject: str, message_id: str, **headers) -> bytes:
    message = EmailMessage()
    message["From"] = "Ana Lima <ana@customer.example>"
    message["To"] = USER
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(f"Body of {subject}")
    return bytes(message)


def test_poller_takes_new_mail_threads_replies_skips_auto_replies_and_marks_seen(imap_port):
    mailbox = Mailbox.objects.create(
        name="support",
        host="127.0.0.1",
        port=imap_port,
        use_ssl=False,
        username=USER,
        password=PASSWORD,
    )
    deliver(
        imap_port,
        mail("VPN down", "<one@customer.example>"),
        mail("Out of office", "<ooo@customer.example>", Auto_Submitted="auto-replied"),
    )

    assert poll_mailbox(mailbox_id=mailbox.pk) == 2

    ticket = Ticket.objects.get()
    assert (ticket.title, ticket.source) == ("VPN down", "email")
    assert unseen(imap_port) == []
    assert sorted(InboundEmail.objects.values_list("outcome", flat=True)) == ["created", "ignored"]

    deliver(
        imap_port,
        mail(f"Re: [{ticket.reference}] VPN down", "<two@customer.example>"),
        mail("VPN down", "<one@customer.example>"),  # the same message delivered twice
    )
    assert poll_mailboxes() == 2  # the periodic task polls every enabled mailbox

    assert Ticket.objects.count() == 1
    assert ticket.timeline.filter(
        type="email", content=f"Body of Re: [{ticket.reference}] VPN down"
    ).exists()
    assert InboundEmail.objects.count() == 3
    mailbox.refresh_from_db()
    assert mailbox.last_polled_at is not None and mailbox.last_error == ""


def test_wrong_password_is_recorded_not_raised(imap_port):
    mailbox = Mailbox.objects.create(
        name="bad", host="127.0.0.1", port=imap_port, use_ssl=False, username=USER, password="nope"
    )
    assert poll_mailbox(mailbox_id=mailbox.pk) == 0
    mailbox.refresh_from_db()
    assert mailbox.last_error
