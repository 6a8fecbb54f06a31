"""Webhook deliveries refused before any view runs (413 from the body-size limit) still leave
their log and audit rows, like every other delivery."""

from django.http import HttpRequest, HttpResponse

from integrations.actions.webhooks import Received, record_refusal

WEBHOOK_PATH = "/api/v1/webhooks/ticket"


class WebhookRefusalLogMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 413 and request.path.rstrip("/") == WEBHOOK_PATH:
            record_refusal(
                received=Received(
                    source=request.headers.get("X-Source-ID", "")[:40],
                    key_prefix=_key_prefix(request.headers.get("Authorization", "")),
                    idempotency_key=request.headers.get("Idempotency-Key", "")[:200],
                    remote_addr=request.META.get("REMOTE_ADDR", ""),
                ),
                status_code=413,
                reason="Request body over the size limit.",
            )
        return response


def _key_prefix(header: str) -> str:
    """The visible prefix of an Api-Key (never the key itself)."""
    keyword, _, raw = header.partition(" ")
    if keyword.lower() != "api-key":
        return ""
    return raw.strip().partition(".")[0][:8]
