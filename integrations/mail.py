"""Reading one e-mail (pure, no ORM): who, what, which thread, attachments, and whether it is
an automatic message (auto-reply, bounce, list mail) that must never make a ticket or a loop."""

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from integrations.standard import clean_str, html_to_text, is_email

REFERENCE_TOKEN = re.compile(r"\[((?:INC|REQ|CHG|PRB)-\d{4}-\d{6})\]", re.IGNORECASE)
PLUS_ADDRESS = re.compile(r"^[^+@]+\+((?:INC|REQ|CHG|PRB)-\d{4}-\d{6})@", re.IGNORECASE)
THREAD_ID = re.compile(r"<ticket\.([0-9a-f-]{36})@[^>]+>", re.IGNORECASE)
NOTIFICATION_ID = re.compile(r"<notification\.([0-9a-f-]{36})@[^>]+>", re.IGNORECASE)
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
AUTOMATIC_SENDERS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply")
BODY_MAX = 200_000


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    message_key: str  # sha256 of the Message-ID (or of the raw message when it has none)
    from_email: str
    from_name: str
    subject: str
    body: str
    recipients: tuple[str, ...] = ()
    references: tuple[str, ...] = ()  # In-Reply-To first, then References, newest first
    attachments: tuple[MailAttachment, ...] = ()
    automatic: str = ""  # why it is an automatic message; empty for a person's mail

    @property
    def ticket_ids(self) -> list[str]:
        """Our tickets this mail answers, from <ticket.<uuid>@...> thread ids."""
        return [m.group(1).lower() for ref in self.references if (m := THREAD_ID.match(ref))]

    @property
    def notification_ids(self) -> list[str]:
        return [m.group(1).lower() for ref in self.references if (m := NOTIFICATION_ID.match(ref))]

    @property
    def reference_tokens(self) -> list[str]:
        """Ticket references from support+<reference>@ recipients and [INC-...] subjects."""
        found = [m.group(1).upper() for a in self.recipients if (m := PLUS_ADDRESS.match(a))]
        found += [m.upper() for m in REFERENCE_TOKEN.findall(self.subject)]
        return found


def parse(raw: bytes) -> ParsedMail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    name, address = _address(message, "From")
    message_id = _header(message, "Message-ID")
    ids = MESSAGE_ID.findall(message_id)
    message_id = ids[0] if ids else ""
    key_source = message_id.lower().encode() if message_id else raw
    references = MESSAGE_ID.findall(_header(message, "In-Reply-To"))
    references += list(reversed(MESSAGE_ID.findall(_header(message, "References"))))
    recipients = [
        addr.lower()
        for header in ("To", "Cc", "Delivered-To", "X-Original-To")
        for _, addr in getaddresses([_header(message, header)])
        if addr
    ]
    body, attachments = _content(message)
    return ParsedMail(
        message_id=message_id or f"<sha256.{hashlib.sha256(raw).hexdigest()}@no-message-id>",
        message_key=hashlib.sha256(key_source).hexdigest(),
        from_email=address if is_email(address) else "",
        from_name=clean_str(name)[:200],
        subject=clean_str(" ".join(_header(message, "Subject").split()))[:300],
        body=body,
        recipients=tuple(recipients),
        references=tuple(dict.fromkeys(references)),
        attachments=tuple(attachments),
        automatic=automatic_reason(message, address),
    )


def automatic_reason(message, address: str) -> str:
    """Why this is an automatic message (RFC 3834 Auto-Submitted, Precedence, bounces...)."""
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply"):
        if _header(message, header):
            return f"{header} present"
    if _header(message, "X-Loop") or _header(message, "List-Id"):
        return "mailing list or loop header"
    if message.get_content_type() == "multipart/report":
        return "delivery status report (bounce)"
    local = address.lower().partition("@")[0]
    if local.startswith(AUTOMATIC_SENDERS) or not address:
        return f"automatic sender {address or '(none)'}"
    if _header(message, "Return-Path").strip() == "<>":
        return "empty Return-Path (bounce)"
    return ""


def _header(message, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError):  # a malformed header must not stop the mail
        value = message.get_all(name, [""])[0] if hasattr(message, "get_all") else ""
    return clean_str(str(value or ""))


def _address(message, name: str) -> tuple[str, str]:
    display, address = parseaddr(_header(message, name))
    return display, address.strip().lower()


def _content(message: EmailMessage) -> tuple[str, list[MailAttachment]]:
    text, html, attachments = "", "", []
    for part in message.walk():
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if disposition == "attachment" or (filename and disposition != "inline"):
            payload = part.get_payload(decode=True) or b""
            attachments.append(
                MailAttachment(
                    clean_str(filename or "attachment"), part.get_content_type(), payload
                )
            )
            continue
        if part.get_content_type() == "text/plain" and not text:
            text = _decoded(part)
        elif part.get_content_type() == "text/html" and not html:
            html = _decoded(part)
    body = text.strip() or html_to_text(html)
    return clean_str(body)[:BODY_MAX], attachments


def _decoded(part) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return payload.decode("utf-8", errors="replace")
