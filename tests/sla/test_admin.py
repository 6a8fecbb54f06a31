"""Admin screens for the SLA app load, and saves go through the services."""

import pytest
from django.urls import reverse

from sla.models import SLAPolicy

pytestmark = pytest.mark.django_db

MODELS = [
    "slapolicy",
    "businesscalendar",
    "workinghours",
    "calendardate",
    "slaclock",
    "slapause",
    "slacrossing",
    "reminder",
]


@pytest.mark.parametrize("model", MODELS)
def test_changelists_load(client, admin_user, clock, open_ticket, policy, model):
    open_ticket()
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:sla_{model}_changelist")).status_code == 200


def test_making_a_policy_the_default_in_the_admin_demotes_the_old_one(client, admin_user, policy):
    client.force_login(admin_user)
    url = reverse("admin:sla_slapolicy_change", args=[policy.pk])
    form = {
        "name": policy.name,
        "is_active": "on",
        "is_default": "on",
        "calendar": policy.calendar_id,
        "first_response_minutes": 30,
        "resolution_minutes": 240,
        "warning_percent": 75,
    }

    response = client.post(url, form)

    assert response.status_code == 302, response.content[:2000]
    assert SLAPolicy.objects.get(is_default=True) == policy
    assert SLAPolicy.objects.get(pk=policy.pk).first_response_minutes == 30


def test_the_default_policy_cannot_be_deleted(client, admin_user):
    client.force_login(admin_user)
    default = SLAPolicy.objects.get(is_default=True)
    url = reverse("admin:sla_slapolicy_delete", args=[default.pk])
    assert client.get(url).status_code == 403
