from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from escalations.actions.envelopes import cancel_envelope, open_envelope
from escalations.models import Envelope
from tests.escalations.factories import EnvelopeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def envelopes(owned, agent, dba, other_team):
    with time_machine.travel(timezone.now() - timedelta(hours=30)):
        old = open_envelope(ticket_id=owned.pk, actor=agent, team=dba, reason="old one")
    new = open_envelope(ticket_id=owned.pk, actor=agent, team=other_team, reason="new")
    return old, new


def listed(response) -> set:
    return {envelope.pk for envelope in response.context["cl"].result_list}


def test_changelist_filters_by_status_team_and_age(admin_client, envelopes, dba, agent):
    old, new = envelopes
    url = reverse("admin:escalations_envelope_changelist")
    cancel_envelope(envelope_id=new.pk, actor=agent)
    assert listed(admin_client.get(url)) == {old.pk, new.pk}
    assert listed(admin_client.get(url, {"status__exact": "pending"})) == {old.pk}
    assert listed(admin_client.get(url, {"team__id__exact": str(dba.pk)})) == {old.pk}
    assert listed(admin_client.get(url, {"age": "24h"})) == {old.pk}
    assert listed(admin_client.get(url, {"age": "72h"})) == set()
    assert listed(admin_client.get(url, {"q": "old one"})) == {old.pk}


def test_envelope_page_and_the_ticket_inline(admin_client, envelopes, owned):
    old, _ = envelopes
    page = admin_client.get(reverse("admin:escalations_envelope_change", args=[old.pk]))
    assert page.status_code == 200
    assert "old one" in page.content.decode()
    ticket_page = admin_client.get(reverse("admin:tickets_ticket_change", args=[owned.pk]))
    assert ticket_page.status_code == 200
    body = ticket_page.content.decode()
    assert "Envelopes" in body and "Database experts" in body


def test_cancel_action_goes_through_the_service(admin_client, envelopes, owned):
    old, new = envelopes
    response = admin_client.post(
        reverse("admin:escalations_envelope_changelist"),
        {"action": "cancel_envelopes", "_selected_action": [str(old.pk), str(new.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    assert set(Envelope.objects.values_list("status", flat=True)) == {"cancelled"}
    owned.refresh_from_db()
    assert owned.status == "in_progress"


def test_envelopes_are_not_added_or_deleted_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:escalations_envelope_add")).status_code == 403


@pytest.mark.parametrize("rows", [3, 30])
def test_changelist_query_count_does_not_grow(
    admin_client, owned, dba, rows, django_assert_max_num_queries
):
    EnvelopeFactory.create_batch(rows, ticket=owned, team=dba)
    with django_assert_max_num_queries(14):
        assert admin_client.get(reverse("admin:escalations_envelope_changelist")).status_code == 200
