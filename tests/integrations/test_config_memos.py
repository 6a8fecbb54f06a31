"""Per-delivery configuration read from per-process memos (core.memo): a source's signing
settings and the e-mail template overrides. Changes committed by an admin apply to the next
delivery; nothing is read from the database while nothing changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations.models import SourceConfig
from notifications.messages import template_overrides
from notifications.models import MessageTemplate
from tests.integrations.conftest import sample

pytestmark = pytest.mark.django_db(transaction=True)


def _delivery(n: int) -> dict:
    payload = sample("standard_ticket.json")
    payload["ticket_id"] = f"memo-{n}"
    return payload


def test_a_committed_signing_requirement_applies_to_the_next_delivery(webhook, eager_celery):
    assert webhook("generic", _delivery(1)).status_code == 202  # memo filled: no config
    config = SourceConfig.objects.create(
        source="generic", signing_secret="s3cret", require_signature=True
    )
    assert webhook("generic", _delivery(2)).status_code == 401
    config.require_signature = False
    config.save()
    assert webhook("generic", _delivery(3)).status_code == 202


def test_a_warm_delivery_reads_no_source_config(webhook, eager_celery):
    webhook("generic", _delivery(4))
    with CaptureQueriesContext(connection) as queries:
        assert webhook("generic", _delivery(5)).status_code == 202
    assert not any("integrations_sourceconfig" in q["sql"] for q in queries.captured_queries)


def test_template_overrides_follow_committed_changes():
    assert template_overrides(["ticket_received"]) == {}
    template = MessageTemplate.objects.create(
        event_type="ticket_received", subject="Got it: {{ ticket.reference }}", body="Thanks."
    )
    assert template_overrides(["ticket_received", "resolved"]) == {
        "ticket_received": ("Got it: {{ ticket.reference }}", "Thanks.")
    }
    with CaptureQueriesContext(connection) as queries:
        template_overrides(["ticket_received"])
    assert len(queries) == 0
    template.is_active = False
    template.save()
    assert template_overrides(["ticket_received"]) == {}
