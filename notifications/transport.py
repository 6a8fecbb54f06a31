"""The wire: send one e-mail through Django's backend, post one message to a Teams or Slack
incoming webhook. Errors are raised; delivery.py records them and schedules the retry."""

import httpx
from django.conf import settings
from django.core.mail import EmailMessage

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
