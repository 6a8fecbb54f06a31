"""POST /api/v1/webhooks/ticket, exactly as API.md says, through the real Api-Key auth."""

import json
import time

import pytest
import time_machine
from django.db import transaction

from core.models import AuditLog
from integrations import signing
from integrations.models import IdempotencyRecord, SourceConfig, WebhookDelivery
from tests.integrations.conftest import SAMPLES, sample
from tickets.models import Contact, Ticket, TimelineEntry

pytestmark = pytest.mark.django_db


def errors_of(response) -> dict:
    body = response.json()
    assert set(body) == {"errors"}, body
    return body["errors"]


def last_delivery() -> WebhookDelivery:
    return WebhookDelivery.objects.order_by("-pk").first()


@pytest.mark.parametrize("source", sorted(SAMPLES))
def test_every_sample_makes_one_ticket(webhook, source):
    response = webhook(source, sample(SAMPLES[source]))

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "processing"
    ticket = Ticket.objects.get(pk=body["ticket_id"])
    assert body["ticket_number"] == ticket.reference
    assert ticket.source == source
    assert ticket.external_id
    delivery = last_delivery()
    assert (delivery.status_code, delivery.outcome, delivery.ticket_id) == (
        202,
        "created",
        ticket.pk,
    )
    audit = AuditLog.objects.get(action="webhook.accepted")
    assert audit.ticket_id == ticket.pk
    assert audit.data["integration"].startswith(f"integration:{source}:")


def test_servicenow_ticket_fields_and_requester_location(webhook):
    body = webhook("servicenow", sample("servicenow_incident.json")).json()
    ticket = Ticket.objects.select_related("requester").get(pk=body["ticket_id"])
    assert ticket.title == "Cannot connect to VPN from home office"
    assert (ticket.priority, ticket.urgency, ticket.impact) == ("high", "2", "1")
    assert ticket.external_metadata["ticket_number"] == "INC0010042"
    assert ticket.requester.email == "abel.tuter@example.com"
    assert (ticket.requester.latitude, ticket.requester.timezone) == (40.7128, "America/New_York")
    assert ticket.reference.startswith("INC-")


def test_missing_priority_is_derived_from_urgency_and_impact(webhook):
    payload = {"ticket_id": "p1", "title": "Matrix", "urgency": "1", "impact": "2"}
    body = webhook("generic", payload).json()
    assert Ticket.objects.get(pk=body["ticket_id"]).priority == "high"


def test_same_source_id_again_is_a_duplicate(webhook):
    first = webhook("jira", sample("jira_issue_created.json")).json()
    again = webhook("jira", sample("jira_issue_created.json"))

    assert again.status_code == 200
    assert again.json() == {**first, "status": "duplicate"}
    assert Ticket.objects.count() == 1
    assert last_delivery().outcome == "duplicate"


def test_idempotency_key_same_body_duplicate_other_body_conflict(webhook):
    payload = sample("standard_ticket.json")
    first = webhook("generic", payload, **{"Idempotency-Key": "k-1"})
    again = webhook("generic", payload, **{"Idempotency-Key": "k-1"})
    changed = webhook("generic", {**payload, "title": "Other"}, **{"Idempotency-Key": "k-1"})

    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json()["ticket_id"] == first.json()["ticket_id"]
    assert changed.status_code == 409
    assert "Idempotency-Key" in errors_of(changed)
    assert Ticket.objects.get().title == payload["title"]
    assert last_delivery().outcome == "refused"
    assert last_delivery().status_code == 409


def test_idempotency_keys_are_kept_24_hours_then_purged(webhook):
    from integrations.actions.webhooks import purge_idempotency_records

    payload = {"ticket_id": "i1", "title": "Kept"}
    with time_machine.travel("2026-11-20 10:00Z", tick=False):
        webhook("generic", payload, **{"Idempotency-Key": "day"})
    with time_machine.travel("2026-11-21 09:59Z", tick=False):
        assert purge_idempotency_records() == 0
        conflict = webhook("generic", {**payload, "title": "x"}, **{"Idempotency-Key": "day"})
        assert conflict.status_code == 409
    with time_machine.travel("2026-11-22 10:01Z", tick=False):
        assert purge_idempotency_records() == 1
    assert not IdempotencyRecord.objects.exists()


def test_update_event_updates_the_known_ticket_and_imports_private_comments(webhook):
    created = webhook("jira", sample("jira_issue_created.json")).json()
    payload = sample("jira_issue_created.json")
    payload["webhookEvent"] = "jira:issue_updated"
    payload["issue"]["fields"].update(
        {
            "summary": "Replica lag now 90 minutes",
            "priority": {"name": "High"},
            "comment": {
                "comments": [
                    {"id": "501", "body": "Internal: failover at 14:00", "jsdPublic": False},
                    {"id": "502", "body": "We are working on it", "jsdPublic": True},
                ]
            },
        }
    )

    response = webhook("jira", payload)
    repeated = webhook("jira", payload)

    assert response.status_code == 200
    assert response.json() == {**created, "status": "updated"}
    assert repeated.json()["status"] == "updated"
    ticket = Ticket.objects.get()
    assert (ticket.title, ticket.priority) == ("Replica lag now 90 minutes", "high")
    entries = {
        e.content.split(":\n", 1)[1]: e.visibility for e in ticket.timeline.filter(type="note")
    }
    assert entries == {
        "Internal: failover at 14:00": TimelineEntry.Visibility.INTERNAL,
        "We are working on it": TimelineEntry.Visibility.PUBLIC,
    }
    update_audit = AuditLog.objects.get(action="ticket.updated")
    assert update_audit.data["title"] == [
        "Orders database replica lagging by 40 minutes",
        ticket.title,
    ]


def test_update_for_an_unknown_ticket_creates_it(webhook):
    payload = sample("jira_issue_created.json")
    payload["webhookEvent"] = "jira:issue_updated"
    assert webhook("jira", payload).status_code == 202


def test_update_of_a_closed_ticket_changes_no_field(webhook, manager):
    from tickets.actions import lifecycle, ownership

    created = webhook("generic", {"ticket_id": "c1", "title": "Old"}).json()
    ticket_id = created["ticket_id"]
    ownership.accept_ticket(ticket_id=ticket_id, actor=manager)
    lifecycle.resolve_ticket(ticket_id=ticket_id, actor=manager, resolution="Fixed.")
    lifecycle.close_ticket(ticket_id=ticket_id, actor=manager)

    response = webhook("generic", {"ticket_id": "c1", "title": "New", "event": "updated"})

    assert response.json()["status"] == "updated"
    assert Ticket.objects.get(pk=ticket_id).title == "Old"
    assert "closed" in last_delivery().reason


def test_servicenow_work_notes_never_become_public(webhook):
    payload = sample("servicenow_incident.json")
    payload["work_notes"] = "Root password is in the vault"
    body = webhook("servicenow", payload).json()
    entry = TimelineEntry.objects.get(ticket_id=body["ticket_id"], content__contains="vault")
    assert entry.visibility == TimelineEntry.Visibility.INTERNAL


def test_glpi_private_followup_is_internal(webhook):
    payload = sample("glpi_ticket.json")
    payload["item"]["followups"] = [{"id": 9, "content": "secret", "is_private": 1}]
    body = webhook("glpi", payload).json()
    entry = TimelineEntry.objects.get(ticket_id=body["ticket_id"], content__endswith="secret")
    assert entry.visibility == TimelineEntry.Visibility.INTERNAL


# --- refusals ----------------------------------------------------------------------------------


def test_no_key_is_401_and_logged(client):
    response = client.post(
        "/api/v1/webhooks/ticket",
        data="{}",
        content_type="application/json",
        HTTP_X_SOURCE_ID="jira",
    )
    assert response.status_code == 401
    assert errors_of(response)
    delivery = last_delivery()
    assert (delivery.status_code, delivery.outcome, delivery.source) == (401, "refused", "jira")
    assert AuditLog.objects.filter(action="webhook.refused", data__status=401).exists()


def test_wrong_key_and_revoked_key_are_401(webhook, make_key):
    assert webhook("jira", {}, key="deadbeef.not-a-key").status_code == 401
    revoked = make_key("jira", is_active=False)
    assert webhook("jira", {}, key=revoked).status_code == 401
    assert WebhookDelivery.objects.filter(status_code=401).count() == 2


def test_key_of_another_source_is_401(webhook, make_key):
    response = webhook("jira", sample("jira_issue_created.json"), key=make_key("glpi"))
    assert response.status_code == 401
    assert not Ticket.objects.exists()
    assert "does not belong" in last_delivery().reason


def test_unknown_source_is_404(webhook, make_key):
    response = webhook("remedy", {"a": 1}, key=make_key("remedy"))
    assert response.status_code == 404
    assert "X-Source-ID" in errors_of(response)
    assert last_delivery().status_code == 404


def test_staff_token_is_403(client, manager):
    client.force_login(manager)
    response = client.post("/api/v1/webhooks/ticket", data="{}", content_type="application/json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "no id"}, "ticket_id"),
        ({"ticket_id": "1", "title": "t", "priority": "asap"}, "priority"),
        (
            {"ticket_id": "1", "title": "t", "requester_location": {"lat": 500, "lng": 0}},
            "requester_location.lat",
        ),
        ([1, 2, 3], "non_field_errors"),
        ("a string", "non_field_errors"),
    ],
)
def test_invalid_payload_is_400_with_field_errors(webhook, payload, field):
    response = webhook("generic", payload)
    assert response.status_code == 400
    assert field in errors_of(response)
    assert last_delivery().status_code == 400
    assert not Ticket.objects.exists()


def test_malformed_and_non_utf8_bodies_are_400(webhook):
    assert webhook("generic", None, raw=b"{not json").status_code == 400
    assert (
        webhook("generic", None, raw=b'{"ticket_id": "\xff\xfe", "title": "x"}').status_code == 400
    )


def test_not_json_is_415(webhook):
    response = webhook(
        "generic", None, raw=b"title=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert errors_of(response)
    assert last_delivery().status_code == 415


def test_body_over_1_mib_is_413_and_logged(webhook):
    payload = {"ticket_id": "big", "title": "t", "description": "x" * (1024 * 1024)}
    response = webhook("generic", payload)
    assert response.status_code == 413
    delivery = last_delivery()
    assert (delivery.status_code, delivery.source) == (413, "generic")
    assert AuditLog.objects.filter(action="webhook.refused", data__status=413).exists()


def test_over_the_key_rate_is_429_with_retry_after(webhook, make_key):
    key = make_key("generic", rate_per_minute=2)
    statuses = [
        webhook("generic", {"ticket_id": f"r{i}", "title": "t"}, key=key).status_code
        for i in range(3)
    ]
    assert statuses == [202, 202, 429]
    response = webhook("generic", {"ticket_id": "r9", "title": "t"}, key=key)
    assert int(response["Retry-After"]) > 0
    assert last_delivery().status_code == 429


# --- signatures --------------------------------------------------------------------------------


@pytest.fixture
def signed_source(db):
    SourceConfig.objects.create(source="generic", signing_secret="s3cret", require_signature=True)


def signed(payload: dict, *, secret: str = "s3cret", at: float | None = None) -> tuple[bytes, dict]:
    body = json.dumps(payload).encode()
    headers = signing.signed_headers(
        secret=secret, body=body, now=time.time() if at is None else at
    )
    return body, headers


def test_valid_signature_is_accepted(webhook, signed_source):
    body, headers = signed({"ticket_id": "s1", "title": "Signed"})
    assert webhook("generic", None, raw=body, **headers).status_code == 202


@pytest.mark.parametrize(
    "tamper",
    ["no_signature", "wrong_secret", "stale", "future", "changed_body", "no_timestamp", "garbage"],
)
def test_bad_signatures_are_401(webhook, signed_source, tamper):
    body, headers = signed({"ticket_id": "s1", "title": "Signed"})
    if tamper == "no_signature":
        headers = {}
    elif tamper == "wrong_secret":
        body, headers = signed({"ticket_id": "s1", "title": "Signed"}, secret="other")
    elif tamper == "stale":
        body, headers = signed({"ticket_id": "s1", "title": "Signed"}, at=time.time() - 330)
    elif tamper == "future":
        body, headers = signed({"ticket_id": "s1", "title": "Signed"}, at=time.time() + 330)
    elif tamper == "changed_body":
        body = body.replace(b"Signed", b"Forged")
    elif tamper == "no_timestamp":
        headers.pop("X-Timestamp")
    elif tamper == "garbage":
        headers["X-Signature"] = "sha256=\u00e9\u00e9"

    response = webhook("generic", None, raw=body, **headers)

    assert response.status_code == 401
    assert not Ticket.objects.exists()
    assert last_delivery().outcome == "refused"


def test_signature_optional_unless_required(webhook, db):
    SourceConfig.objects.create(source="generic", signing_secret="s3cret", require_signature=False)
    assert webhook("generic", {"ticket_id": "u1", "title": "Unsigned"}).status_code == 202
    body, headers = signed({"ticket_id": "u2", "title": "t"}, secret="wrong")
    assert webhook("generic", None, raw=body, **headers).status_code == 401


# --- hostile input end to end ----------------------------------------------------------------


@pytest.mark.parametrize("source", sorted(SAMPLES))
@pytest.mark.parametrize(
    "value",
    [
        "<script>alert(1)</script>",
        "nul\u0000byte",
        "\ud800lone surrogate",
        "y" * 200_000,
        {"nested": ["object"]},
        12345,
    ],
)
def test_hostile_values_in_every_top_level_field_never_500(webhook, source, value):
    payload = sample(SAMPLES[source])
    container = payload.get("item") or payload.get("issue", {}).get("fields") or payload
    statuses = set()
    for name in list(container):
        changed = json.loads(json.dumps(payload))
        target = changed.get("item") or changed.get("issue", {}).get("fields") or changed
        target[name] = value
        target["extra_" + name] = value  # unknown extra fields are kept, never fail
        response = webhook(source, changed)
        assert response.status_code in (200, 202, 400), (name, response.content[:300])
        statuses.add(response.status_code)
    assert statuses & {200, 202}


def test_contacts_are_not_duplicated_by_case(webhook):
    webhook("generic", {"ticket_id": "a", "title": "t", "requester": {"email": "Sam@Example.com"}})
    webhook("generic", {"ticket_id": "b", "title": "t", "requester": {"email": "sam@example.com"}})
    assert Contact.objects.filter(email__iexact="sam@example.com").count() == 1


def test_query_counts_of_a_delivery_are_bounded(webhook, make_key, django_assert_max_num_queries):
    key = make_key("servicenow")
    webhook("generic", {"ticket_id": "warm", "title": "warm"})  # counters and contacts exist
    # The request's own transaction: key, idempotency, ticket, timeline, audit, the event, the
    # log row. What the event sets off runs after its commit (the outer block here).
    with transaction.atomic(), django_assert_max_num_queries(26):
        webhook("generic", {"ticket_id": "alone", "title": "counted alone"})
    # Everything: the request, then routing, the SLA clock, the requester's receipt queued and
    # sent, the dashboard (ticket.created, then ticket.routed).
    with django_assert_max_num_queries(60):
        created = webhook("servicenow", sample("servicenow_incident.json"), key=key)
    with django_assert_max_num_queries(14):
        duplicate = webhook("servicenow", sample("servicenow_incident.json"), key=key)
    assert (created.status_code, duplicate.status_code) == (202, 200)
