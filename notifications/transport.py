"""The wire: send one e-mail through Django's backend (or many over one connection), post one
message to a Teams or Slack incoming webhook. Errors are raised (or, for many e-mails, returned
per message); delivery.py records them and schedules the retry."""

import logging

import httpx
from django.conf import settings
from django.core.mail import EmailMessage, get_connection

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
RETRYABLE_STATUS = frozenset({408, 425, 429})


class DeliveryError(Exception):
    """A delivery that failed. ``permanent`` failures are not retried (a 404 webhook URL)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        self.permanent = permanent
        super().__init__(message)


def send_email(message: EmailMessage) -> None:
    sent = message.send(fail_silently=False)
    if sent != 1:
        raise DeliveryError("The e-mail backend accepted no message.")


def send_emails(messages: list[EmailMessage]) -> list[Exception | None]:
    """Send the messages over one connection to the backend (one SMTP session, not one per
    message); for each, None once sent or the error it failed with. A connection that does
    not open fails them all with its error."""
    if not messages:
        return []
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as error:  # the server is down: every message waits for its retry
        return [error] * len(messages)
    try:
        # One message per call, on the open connection: a refused recipient fails its own
        # message only (send_messages stops at the first error).
        return [_send_on(connection, message) for message in messages]
    finally:
        try:
            connection.close()
        except Exception:  # the messages went out; a failed QUIT must not resend them
            logger.warning("Closing the e-mail connection failed", exc_info=True)


def _send_on(connection, message: EmailMessage) -> Exception | None:
    try:
        if connection.send_messages([message]) != 1:
            raise DeliveryError("The e-mail backend accepted no message.")
    except Exception as error:
        return error
    return None


def post_webhook(url: str, payload: dict) -> None:
    timeout = getattr(settings, "NOTIFICATIONS_WEBHOOK_TIMEOUT", TIMEOUT_SECONDS)
    try:
        response = httpx.post(url, json=payload, timeout=timeout, follow_redirects=False)
    except httpx.HTTPError as error:
        raise DeliveryError(f"{type(error).__name__}: {error}") from error
    if response.is_success:
        return
    detail = f"HTTP {response.status_code}: {response.text[:200]}"
    permanent = 400 <= response.status_code < 500 and response.status_code not in RETRYABLE_STATUS
    raise DeliveryError(detail, permanent=permanent)
