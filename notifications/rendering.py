"""Words of a message: subject and body per event type (built-in defaults, overridable by a
MessageTemplate row), wrapped in the e-mail layouts (plain text and HTML) or a chat card.

Requester messages see only what notify() let through: the ticket's public fields and the
payload's public keys (see notifications.actions.planning.REQUESTER_PAYLOAD_KEYS)."""

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# (subject, body) in Django template syntax; autoescape is off for these plain-text parts.
DEFAULT_TEXTS: dict[str, tuple[str, str]] = {
    "assigned": (
        "[{{ ticket.reference }}] Assigned to you: {{ ticket.title }}",
        "{{ ticket.reference }} ({{ ticket.priority }}) is now yours.{% if payload.message %}"
        "\n\n{{ payload.message }}{% endif %}",
    ),
    "envelope": (
        "[{{ ticket.reference }}] Envelope for your team: {{ ticket.title }}",
        "An expert sub-case was opened on {{ ticket.reference }}."
        "{% if payload.reason %}\n\nReason: {{ payload.reason }}{% endif %}",
    ),
    "sla_warning": (
        "[{{ ticket.reference }}] SLA warning: {{ ticket.title }}",
        "The SLA of {{ ticket.reference }} ({{ ticket.priority }}) is close to breaching."
        "{% if payload.due_at %} Due: {{ payload.due_at }}.{% endif %}",
    ),
    "sla_breach": (
        "[{{ ticket.reference }}] SLA BREACHED: {{ ticket.title }}",
        "The SLA of {{ ticket.reference }} ({{ ticket.priority }}) has been breached."
        "{% if payload.due_at %} It was due {{ payload.due_at }}.{% endif %}",
    ),
    "reminder": (
        "{% if ticket %}[{{ ticket.reference }}] {% endif %}Reminder: "
        "{{ payload.message|default:'you asked to be reminded' }}",
        "{{ payload.message|default:'You asked to be reminded.' }}",
    ),
    "mention": (
        "{% if ticket %}[{{ ticket.reference }}] {% endif %}"
        "{{ payload.actor_name|default:'Someone' }} mentioned you",
        "{{ payload.actor_name|default:'Someone' }} mentioned you"
        "{% if ticket %} on {{ ticket.reference }}{% endif %}."
        "{% if payload.content %}\n\n{{ payload.content }}{% endif %}",
    ),
    "reply": (
        "[{{ ticket.reference }}] New reply: {{ ticket.title }}",
        "{{ payload.actor_name|default:'Someone' }} replied on {{ ticket.reference }}."
        "{% if payload.content %}\n\n{{ payload.content }}{% endif %}",
    ),
    "routed": (
        "[{{ ticket.reference }}] New for your team: {{ ticket.title }}",
        "{{ ticket.reference }} ({{ ticket.priority }}) was routed to your team."
        "{% if payload.message %}\n\n{{ payload.message }}{% endif %}",
    ),
    "suggested": (
        "[{{ ticket.reference }}] Suggested for you: {{ ticket.title }}",
        "Routing suggests you take {{ ticket.reference }} ({{ ticket.priority }}). "
        "Accept it from the ticket's page.",
    ),
    "alert": (
        "{% if ticket %}[{{ ticket.reference }}] {% endif %}"
        "{{ payload.message|default:'Service desk alert' }}",
        "{{ payload.message|default:'A routing rule raised an alert.' }}",
    ),
    "approval": (
        "[{{ ticket.reference }}] {{ payload.message|default:'Resolution approval' }}",
        "{{ payload.message|default:'A resolution approval changed.' }}"
        "{% if payload.reason %}\n\nReason: {{ payload.reason }}{% endif %}",
    ),
    "flagged": (
        "[{{ ticket.reference }}] Flagged {{ payload.label }}: {{ ticket.title }}",
        "{{ payload.message }}{% if payload.note %}\n\nReason: {{ payload.note }}{% endif %}",
    ),
    "ticket_received": (
        "[{{ ticket.reference }}] We received your request: {{ ticket.title }}",
        "Thank you. Your request has been logged as {{ ticket.reference }} and will be "
        "handled by our team. Reply to this e-mail to add information.",
    ),
    "public_reply": (
        "[{{ ticket.reference }}] New reply: {{ ticket.title }}",
        "There is a new reply on {{ ticket.reference }}:\n\n{{ payload.content }}",
    ),
    "waiting_on_you": (
        "[{{ ticket.reference }}] We need your reply: {{ ticket.title }}",
        "We are waiting for information from you on {{ ticket.reference }}."
        "{% if payload.content %}\n\n{{ payload.content }}{% endif %}\n\n"
        "Reply to this e-mail and we will continue.",
    ),
    "resolved": (
        "[{{ ticket.reference }}] Resolved: {{ ticket.title }}",
        "{{ ticket.reference }} has been resolved."
        "{% if payload.resolution %}\n\nResolution: {{ payload.resolution }}{% endif %}"
        "{% if csat_url %}\n\nHow did we do? Rate us from 1 to 5: {{ csat_url }}{% endif %}",
    ),
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def header_safe(value: str, *, limit: int = 250) -> str:
    """One line for a mail header: CR, LF and other control characters become spaces."""
    return _CONTROL.sub(" ", value or "").strip()[:limit]


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str


def texts_for(event_type: str, overrides: dict[str, tuple[str, str]]) -> tuple[str, str]:
    return overrides.get(event_type) or DEFAULT_TEXTS[event_type]


def _render_plain(source: str, context: dict) -> str:
    return _compiled(source).render(Context(context))


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """A message text, parsed once per process (the defaults and the admin's few overrides)."""
    return Template("{% autoescape off %}" + source + "{% endautoescape %}")


def render_parts(
    event_type: str, context: dict, overrides: dict[str, tuple[str, str]]
) -> tuple[str, str]:
    """(subject, body) as plain text. A broken admin template falls back to the default."""
    subject_source, body_source = texts_for(event_type, overrides)
    try:
        subject = _render_plain(subject_source, context)
        body = _render_plain(body_source, context)
    except TemplateSyntaxError:
        logger.exception("Message template for %s is broken; using the default", event_type)
        subject_source, body_source = DEFAULT_TEXTS[event_type]
        subject = _render_plain(subject_source, context)
        body = _render_plain(body_source, context)
    return header_safe(subject), body.strip()


def render_email(event_type: str, context: dict, overrides: dict[str, tuple[str, str]]) -> Message:
    subject, body = render_parts(event_type, context, overrides)
    layout = {**context, "subject": subject, "body": body}
    return Message(
        subject=subject,
        text=render_to_string("notifications/email/message.txt", layout).strip() + "\n",
        html=render_to_string("notifications/email/message.html", layout),
    )


def render_digest(context: dict) -> Message:
    """``context``: recipient_name, timing, groups [{ticket, ticket_url, items [{subject,
    body, at}]}], count."""
    period = "Hourly" if context["timing"] == "hourly" else "Daily"
    subject = header_safe(f"{period} digest: {context['count']} notification(s)")
    layout = {**context, "subject": subject, "period": period}
    return Message(
        subject=subject,
        text=render_to_string("notifications/email/digest.txt", layout).strip() + "\n",
        html=render_to_string("notifications/email/digest.html", layout),
    )


def slack_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(*, subject: str, body: str, url: str) -> dict:
    text = f"*{slack_escape(subject)}*\n{slack_escape(body)}"
    if url:
        text += f"\n<{url}|Open in the service desk>"
    return {
        "text": slack_escape(subject),
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}],
    }


def teams_message(*, subject: str, body: str, url: str) -> dict:
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": subject, "weight": "Bolder", "wrap": True},
            {"type": "TextBlock", "text": body[:2900], "wrap": True},
        ],
    }
    if url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open ticket", "url": url}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


def site_url(path: str) -> str:
    base = getattr(settings, "NOTIFICATIONS_BASE_URL", "http://localhost:8000").rstrip("/")
    return f"{base}{path}"
