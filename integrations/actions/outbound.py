"""Sending a decision to a handler endpoint: one attempt at a time under a lease, a failed
attempt retried with exponential backoff and jitter; after the endpoint's maximum attempts, or
on a permanent refusal, the delivery is dead-lettered (visible in the admin, retried from
there). Deliveries are created by integrations.actions.dispatch."""

import logging
import random
from datetime import timedelta

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import record_audit
from core.memo import VersionedMemo
from integrations import netguard
from integrations.models import HandlerEndpoint, OutboundDelivery
from integrations.plugins import Endpoint, TicketFacts, get_handler
from routing.serializers_shape import decision_payload

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
# 4xx answers that a later attempt may get past; any other 4xx is permanent.
RETRYABLE_4XX = {408, 409, 423, 425, 429}


class DeliveryFailed(Exception):
    def __init__(self, message: str, *, status_code: int | None = None, permanent: bool = False):
        super().__init__(message)
        self.status_code = status_code
        self.permanent = permanent


def backoff_seconds(attempt: int, *, rng: random.Random | None = None) -> float:
    """Delay after failed attempt ``attempt`` (1-based): base x 2^(attempt-1), capped, with
    "equal jitter" (half fixed, half random) so retries of many deliveries spread out."""
    rng = rng or random.Random()  # noqa: S311 - jitter, not security
    base = settings.INTEGRATIONS_RETRY_BASE_SECONDS
    ceiling = min(settings.INTEGRATIONS_RETRY_MAX_SECONDS, base * 2 ** (attempt - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def endpoint_data(endpoint: HandlerEndpoint) -> Endpoint:
    return Endpoint(
        url=endpoint.url,
        auth_method=endpoint.auth_method,
        username=endpoint.username,
        secret=endpoint.secret,
        signing_secret=endpoint.signing_secret,
        options=endpoint.options if isinstance(endpoint.options, dict) else {},
    )


def ticket_facts(ticket) -> TicketFacts:
    return TicketFacts(
        id=str(ticket.pk),
        reference=ticket.reference,
        title=ticket.title,
        source=ticket.source,
        external_id=ticket.external_id,
        external_metadata=ticket.external_metadata
        if isinstance(ticket.external_metadata, dict)
        else {},
    )


# Whether any handler endpoint is enabled, memoised per process (core.memo): most decisions
# have no one to tell, and then dispatching costs neither a task nor a query.
endpoint_memo = VersionedMemo(
    "handler-endpoints", lambda: HandlerEndpoint.objects.filter(enabled=True).exists()
)


def any_endpoint_enabled() -> bool:
    return endpoint_memo.get()


def _claim(delivery_id, now) -> bool:
    """Take a lease on a due, pending delivery; False when someone else holds it or it is not
    due. One UPDATE, so two workers never send the same attempt."""
    return bool(
        OutboundDelivery.objects.filter(
            pk=delivery_id, status=OutboundDelivery.Status.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(leased_until=now + LEASE)
    )


def attempt_delivery(delivery_id, *, now=None) -> OutboundDelivery | None:
    """One attempt (no transaction is held open during the HTTP calls). Returns the delivery
    after the attempt, or None when it was not due or leased by someone else."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = OutboundDelivery.objects.select_related("endpoint", "decision__ticket").get(
        pk=delivery_id
    )
    try:
        status_code = _send(delivery)
    except DeliveryFailed as error:
        return _failed(delivery, error)
    return _delivered(delivery, status_code)


def _send(delivery: OutboundDelivery) -> int:
    endpoint = delivery.endpoint
    plugin = get_handler(endpoint.handler)
    if plugin is None:
        raise DeliveryFailed(f"No handler plugin '{endpoint.handler}'.", permanent=True)
    requests = plugin.build_requests(
        decision=decision_payload(delivery.decision),
        ticket=ticket_facts(delivery.decision.ticket),
        endpoint=endpoint_data(endpoint),
    )
    status_code = 0
    for request in requests:
        try:
            response = netguard.send(request, timeout=endpoint.timeout_seconds)
        except netguard.TargetRefused as error:
            raise DeliveryFailed(f"Refused target: {error}", permanent=True) from error
        except httpx.HTTPError as error:
            raise DeliveryFailed(f"{type(error).__name__}: {error}") from error
        status_code = response.status_code
        if status_code >= 300:
            permanent = 400 <= status_code < 500 and status_code not in RETRYABLE_4XX
            raise DeliveryFailed(
                f"{request.method} {request.url} answered {status_code}: {response.text[:300]}",
                status_code=status_code,
                permanent=permanent,
            )
    return status_code


@transaction.atomic
def _delivered(delivery: OutboundDelivery, status_code: int) -> OutboundDelivery:
    delivery.status = OutboundDelivery.Status.DELIVERED
    delivery.attempts += 1
    delivery.last_status_code = status_code or None
    delivery.last_error = ""
    delivery.delivered_at = timezone.now()
    delivery.leased_until = None
    delivery.save()
    return delivery


@transaction.atomic
def _failed(delivery: OutboundDelivery, error: DeliveryFailed) -> OutboundDelivery:
    delivery.attempts += 1
    delivery.last_status_code = error.status_code
    delivery.last_error = str(error)[:2000]
    delivery.leased_until = None
    if error.permanent or delivery.attempts >= delivery.endpoint.max_attempts:
        delivery.status = OutboundDelivery.Status.DEAD
        record_audit(
            actor=None,
            action="integration.dead_letter",
            ticket=delivery.decision.ticket,
            data={
                "delivery": str(delivery.pk),
                "endpoint": delivery.endpoint.name,
                "attempts": delivery.attempts,
                "error": delivery.last_error[:500],
            },
        )
        logger.warning("Outbound delivery %s dead-lettered: %s", delivery.pk, error)
    else:
        delivery.next_attempt_at = timezone.now() + timedelta(
            seconds=backoff_seconds(delivery.attempts)
        )
    delivery.save()
    return delivery


def due_deliveries(*, now=None, limit: int = 200) -> list[str]:
    now = now or timezone.now()
    rows = (
        OutboundDelivery.objects.filter(
            status=OutboundDelivery.Status.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return [str(pk) for pk in rows]
