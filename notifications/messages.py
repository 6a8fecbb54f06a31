"""From a notification (event, ticket, payload, recipient) to what is sent: the template
context, the e-mail with its threading headers, the chat card, the in-app title and body.

Threading: every e-mail about a ticket refers to the ticket's thread id
``<ticket.<uuid>@<reply domain>>`` (In-Reply-To and References; the requester's "ticket
received" message *is* that root), has its own stable Message-ID (a retry keeps it), and a
Reply-To of ``support+<reference>@<reply domain>`` that the inbound e-mail integration maps back
to the ticket."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from core.memo import VersionedMemo
from notifications import rendering
from notifications.csat import csat_link
from notifications.models import EventType, MessageTemplate, NotificationQueue
from notifications.rendering import header_safe, site_url

REPLY_MAILBOX = "support"


def reply_domain() -> str:
    return getattr(settings, "NOTIFICATIONS_REPLY_DOMAIN", "localhost")


def site_name() -> str:
    return getattr(settings, "NOTIFICATIONS_SITE_NAME", "Service Desk")


def thread_id(ticket) -> str:
    return f"<ticket.{ticket.pk}@{reply_domain()}>"


def reply_address(ticket) -> str:
    return f"{REPLY_MAILBOX}+{ticket.reference}@{reply_domain()}"


def ticket_context(ticket) -> dict | None:
    """Only the ticket's public fields: templates (even admin-edited ones) never get the ORM
    object, so they cannot reach internal notes through it."""
    if ticket is None:
        return None
    return {
        "id": str(ticket.pk),
        "reference": ticket.reference,
        "title": ticket.title,
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.type,
        "category": ticket.category,
    }


def message_context(
    *, event_type: str, ticket, payload: dict, recipient_name: str, for_requester: bool
) -> dict:
    context = {
        "ticket": ticket_context(ticket),
        "payload": payload,
        "recipient_name": recipient_name,
        "site_name": site_name(),
        "ticket_url": site_url(f"/tickets/{ticket.pk}/") if ticket is not None else "",
        "csat_url": "",
        "reply_hint": "",
    }
    if for_requester and ticket is not None:
        context["reply_hint"] = f"Reply to this e-mail to add to {ticket.reference}."
        if event_type == EventType.RESOLVED:
            context["csat_url"] = csat_link(ticket)
    return context


def _active_templates() -> dict[str, tuple[str, str]]:
    rows = MessageTemplate.objects.filter(is_active=True)
    return {row.event_type: (row.subject, row.body) for row in rows}


# The admin's template overrides, read by every message sent: memoised per process until one
# changes (core.memo).
template_memo = VersionedMemo("message-templates", _active_templates)


def template_overrides(event_types) -> dict[str, tuple[str, str]]:
    active = template_memo.get()
    return {event: active[event] for event in set(event_types) if event in active}


def mailbox(name: str, address: str) -> str:
    """``"Name" <address>`` with the name made header-safe (quoted by Python's formataddr)."""
    return formataddr((header_safe(name, limit=120), header_safe(address)))


def email_for_row(row: NotificationQueue, overrides: dict) -> EmailMultiAlternatives:
    context = message_context(
        event_type=row.event_type,
        ticket=row.ticket,
        payload=row.payload,
        recipient_name=row.to_name,
        for_requester=row.is_for_requester,
    )
    message = rendering.render_email(row.event_type, context, overrides)
    headers = {
        "Message-ID": f"<notification.{row.pk}@{reply_domain()}>",
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    reply_to = []
    if row.ticket is not None:
        root = thread_id(row.ticket)
        if row.event_type == EventType.TICKET_RECEIVED:
            headers["Message-ID"] = root
        else:
            headers["In-Reply-To"] = root
            headers["References"] = root
        headers["X-Ticket-Reference"] = row.ticket.reference
        reply_to = [reply_address(row.ticket)]
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mailbox(row.to_name, row.to_email)],
        reply_to=reply_to,
        headers=headers,
    )
    email.attach_alternative(message.html, "text/html")
    return email


def digest_email(*, rows: list[NotificationQueue], overrides: dict) -> EmailMultiAlternatives:
    """One e-mail for all of a user's due digest rows, grouped by ticket (oldest first)."""
    latest = rows[-1]
    groups: dict = {}
    for row in rows:
        key = row.ticket_id
        if key not in groups:
            groups[key] = {
                "ticket": ticket_context(row.ticket),
                "ticket_url": site_url(f"/tickets/{row.ticket_id}/") if row.ticket_id else "",
                "items": [],
            }
        context = message_context(
            event_type=row.event_type,
            ticket=row.ticket,
            payload=row.payload,
            recipient_name=row.to_name,
            for_requester=False,
        )
        subject, body = rendering.render_parts(row.event_type, context, overrides)
        groups[key]["items"].append({"subject": subject, "body": body, "at": row.created_at})
    message = rendering.render_digest(
        {
            "recipient_name": latest.to_name,
            "timing": latest.timing,
            "groups": list(groups.values()),
            "count": len(rows),
            "site_name": site_name(),
        }
    )
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mailbox(latest.to_name, latest.to_email)],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    email.attach_alternative(message.html, "text/html")
    return email


def chat_payload(row: NotificationQueue, overrides: dict) -> dict:
    context = message_context(
        event_type=row.event_type,
        ticket=row.ticket,
        payload=row.payload,
        recipient_name="",
        for_requester=False,
    )
    subject, body = rendering.render_parts(row.event_type, context, overrides)
    build = rendering.slack_message if row.channel == "slack" else rendering.teams_message
    return build(subject=subject, body=body, url=context["ticket_url"])


def in_app_parts(
    *, event_type: str, ticket, payload: dict, recipient_name: str, overrides: dict
) -> tuple[str, str]:
    context = message_context(
        event_type=event_type,
        ticket=ticket,
        payload=payload,
        recipient_name=recipient_name,
        for_requester=False,
    )
    subject, body = rendering.render_parts(event_type, context, overrides)
    return subject[:300], body
