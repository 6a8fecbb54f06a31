"""Admin screens: secrets are write-only (never rendered back), blank keeps them."""

import pytest

from integrations.models import HandlerEndpoint, Mailbox, SourceConfig

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_source_secret_is_never_shown_and_blank_keeps_it(admin_client):
    response = admin_client.post(
        "/admin/integrations/sourceconfig/add/",
        {"source": "servicenow", "signing_secret": "very-secret-value", "require_signature": "on"},
    )
    assert response.status_code == 302
    config = SourceConfig.objects.get()
    page = admin_client.get(f"/admin/integrations/sourceconfig/{config.pk}/change/")
    assert page.status_code == 200
    assert "very-secret-value" not in page.content.decode()

    admin_client.post(
        f"/admin/integrations/sourceconfig/{config.pk}/change/",
        {"source": "servicenow", "signing_secret": "", "require_signature": "on"},
    )
    config.refresh_from_db()
    assert config.signing_secret == "very-secret-value"


def test_requiring_signatures_needs_a_secret(admin_client):
    response = admin_client.post(
        "/admin/integrations/sourceconfig/add/", {"source": "jira", "require_signature": "on"}
    )
    assert response.status_code == 200
    assert not SourceConfig.objects.exists()


def test_endpoint_credentials_are_write_only_and_clearable(admin_client):
    data = {
        "name": "snow",
        "handler": "servicenow",
        "url": "https://example.service-now.com",
        "enabled": "on",
        "sources": "[]",
        "auth_method": "basic",
        "username": "svc",
        "secret": "p4ssw0rd-never-shown",
        "signing_secret": "",
        "options": "{}",
        "timeout_seconds": "10",
        "max_attempts": "6",
    }
    assert admin_client.post("/admin/integrations/handlerendpoint/add/", data).status_code == 302
    endpoint = HandlerEndpoint.objects.get()
    page = admin_client.get(f"/admin/integrations/handlerendpoint/{endpoint.pk}/change/")
    assert "p4ssw0rd-never-shown" not in page.content.decode()

    changed = {**data, "secret": "", "clear_secret": "on"}
    admin_client.post(f"/admin/integrations/handlerendpoint/{endpoint.pk}/change/", changed)
    endpoint.refresh_from_db()
    assert endpoint.secret == ""


def test_endpoint_refuses_unknown_handler_and_non_http_url(admin_client):
    data = {
        "name": "x",
        "handler": "nope",
        "url": "file:///etc/passwd",
        "sources": "[]",
        "auth_method": "none",
        "options": "{}",
        "timeout_seconds": "10",
        "max_attempts": "6",
    }
    response = admin_client.post("/admin/integrations/handlerendpoint/add/", data)
    assert response.status_code == 200
    assert not HandlerEndpoint.objects.exists()


def test_mailbox_password_is_write_only(admin_client):
    mailbox = Mailbox.objects.create(
        name="m", host="imap.example.com", username="u", password="imap-secret"
    )
    page = admin_client.get(f"/admin/integrations/mailbox/{mailbox.pk}/change/")
    assert page.status_code == 200
    assert "imap-secret" not in page.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "webhookdelivery",
        "idempotencyrecord",
        "outbounddelivery",
        "deadletter",
        "inboundemail",
        "mailbox",
        "handlerendpoint",
        "sourceconfig",
    ],
)
def test_changelists_render(admin_client, path):
    assert admin_client.get(f"/admin/integrations/{path}/").status_code == 200


@pytest.mark.parametrize("path", ["outbounddelivery", "deadletter", "webhookdelivery"])
def test_changelist_queries_do_not_grow_with_rows(
    admin_client, path, django_assert_max_num_queries
):
    from integrations.models import OutboundDelivery, WebhookDelivery
    from routing.models import AllocationDecision
    from tests import factories

    endpoint = HandlerEndpoint.objects.create(name="e", handler="generic", url="https://h.example")

    def add(count: int) -> None:
        for _ in range(count):
            ticket = factories.TicketFactory()
            decision = AllocationDecision.objects.create(
                ticket=ticket,
                event="ticket.created",
                method="scoring",
                rationale="r",
                confidence=0.5,
                decided_at=ticket.created_at,
            )
            OutboundDelivery.objects.create(decision=decision, endpoint=endpoint, status="dead")
            WebhookDelivery.objects.create(
                source="jira", status_code=202, outcome="created", ticket=ticket
            )

    add(5)
    admin_client.get(f"/admin/integrations/{path}/")
    with django_assert_max_num_queries(12) as five:
        admin_client.get(f"/admin/integrations/{path}/")
    add(45)
    with django_assert_max_num_queries(len(five.captured_queries)):
        assert admin_client.get(f"/admin/integrations/{path}/").status_code == 200
