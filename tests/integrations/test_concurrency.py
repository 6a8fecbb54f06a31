"""Concurrent copies of one delivery, through the whole endpoint on real threads and committed
transactions: exactly one ticket (PostgreSQL: the unique constraints decide; SQLite: the
IMMEDIATE transactions queue)."""

import json
from collections import Counter

import pytest
from rest_framework.test import APIClient

from core.models import AuditLog
from integrations.actions.keys import create_api_key
from integrations.models import IdempotencyRecord, WebhookDelivery
from tests.integrations.conftest import sample
from tests.tickets.test_concurrency import run_together
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def deliver(raw_key: str, source: str, payload: dict, **headers):
    client = APIClient()
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    response = client.post(
        "/api/v1/webhooks/ticket",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Api-Key {raw_key}",
        HTTP_X_SOURCE_ID=source,
        **extra,
    )
    return response.status_code, response.json()


def test_concurrent_copies_of_one_incident_make_one_ticket():
    _, raw = create_api_key(source="servicenow", name="snow")
    payload = sample("servicenow_incident.json")

    results = run_together(lambda i: deliver(raw, "servicenow", payload), THREADS)

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    statuses = Counter(status for status, _ in results)
    assert statuses == {202: 1, 200: THREADS - 1}, results
    assert len({body["ticket_id"] for _, body in results}) == 1
    assert Ticket.objects.count() == 1
    assert WebhookDelivery.objects.count() == THREADS
    assert AuditLog.objects.filter(action="webhook.accepted").count() == THREADS
    assert AuditLog.objects.filter(action="ticket.created").count() == 1


def test_concurrent_copies_with_one_idempotency_key_make_one_ticket():
    _, raw = create_api_key(source="generic", name="gen")
    payload = sample("standard_ticket.json")

    results = run_together(
        lambda i: deliver(raw, "generic", payload, **{"Idempotency-Key": "same-key"}), THREADS
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    assert Counter(status for status, _ in results) == {202: 1, 200: THREADS - 1}
    assert Ticket.objects.count() == 1
    assert IdempotencyRecord.objects.get().ticket_id == Ticket.objects.get().pk


def test_concurrent_same_key_with_different_bodies_one_wins_the_others_conflict():
    _, raw = create_api_key(source="generic", name="gen")

    results = run_together(
        lambda i: deliver(
            raw, "generic", {"ticket_id": f"t{i}", "title": f"T{i}"}, **{"Idempotency-Key": "k"}
        ),
        THREADS,
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    assert Counter(status for status, _ in results) == {202: 1, 409: THREADS - 1}
    assert Ticket.objects.count() == 1
