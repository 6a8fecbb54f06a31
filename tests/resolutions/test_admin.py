"""The admin: empowerment configurations through the action (audited, with a history), team
leads through org's action, the calibration generate button, lists at constant queries."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditLog, ConfigChange
from org.models import TeamLead
from resolutions.actions.calibration import generate_queue
from resolutions.actions.config import save_config
from resolutions.models import CalibrationItem, EmpowermentConfig
from tests import factories
from tests.resolutions.conftest import resolve
from tests.resolutions.test_calibration import WEEK, in_week, owned_ticket

pytestmark = pytest.mark.django_db


def config_form(team, **overrides) -> dict:
    return {
        "team": team.pk,
        "tier1_limit": "25.00",
        "tier2_limit": "100.00",
        "currency": "GBP",
        **overrides,
    }


def test_a_configuration_is_saved_through_the_action(client, admin_user, team):
    client.force_login(admin_user)
    answer = client.post(reverse("admin:resolutions_empowermentconfig_add"), config_form(team))
    assert answer.status_code == 302
    config = EmpowermentConfig.objects.get()
    assert (config.tier1_limit, config.currency) == (Decimal("25.00"), "GBP")
    assert AuditLog.objects.filter(action="resolutions.empowerment_saved").exists()
    assert ConfigChange.objects.filter(object_type="resolutions.empowermentconfig").exists()
    client.post(
        reverse("admin:resolutions_empowermentconfig_delete", args=[config.pk]), {"post": "yes"}
    )
    assert not EmpowermentConfig.objects.exists()
    assert AuditLog.objects.filter(action="resolutions.empowerment_deleted").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"tier2_limit": "10.00"}, "tier2_limit"),
        ({"currency": "ABC"}, "currency"),
        ({"currency": "JPY", "tier1_limit": "1.50"}, "tier1_limit"),
        ({"tier1_limit": "-1"}, "tier1_limit"),
    ],
)
def test_bad_limits_are_form_errors(client, admin_user, team, overrides, field):
    client.force_login(admin_user)
    answer = client.post(
        reverse("admin:resolutions_empowermentconfig_add"), config_form(team, **overrides)
    )
    assert answer.status_code == 200
    assert field in answer.context["adminform"].form.errors
    assert not EmpowermentConfig.objects.exists()


def test_a_team_lead_must_be_a_member(client, admin_user, team, agent, other_agent):
    client.force_login(admin_user)
    url = reverse("admin:org_teamlead_add")
    refused = client.post(url, {"team": team.pk, "profile": other_agent.agent_profile.pk})
    assert refused.status_code == 200 and not TeamLead.objects.exists()
    assert client.post(url, {"team": team.pk, "profile": agent.agent_profile.pk}).status_code == 302
    assert AuditLog.objects.filter(action="org.team_lead_set").exists()


def test_generate_from_the_admin(client, admin_user, team, agent, config):
    in_week(resolve(owned_ticket(team, agent), agent, "1"))
    client.force_login(admin_user)
    url = reverse("admin:resolutions_calibrationitem_generate")
    assert client.post(url, {"period": str(WEEK)}).status_code == 302
    assert CalibrationItem.objects.count() == 1
    client.post(url, {"period": "nonsense"})
    assert CalibrationItem.objects.count() == 1


@pytest.mark.parametrize(
    "name",
    ["resolution", "approvalrequest", "calibrationitem", "empowermentconfig"],
)
def test_changelists_cost_the_same_queries_for_any_row_count(
    client, admin_user, team, agent, config, name, django_assert_max_num_queries
):
    def grow(count):
        for _ in range(count):
            in_week(resolve(owned_ticket(team, agent), agent, "15"))
            resolve(owned_ticket(team, agent), agent, "150")
            save_config(
                actor=admin_user,
                team=factories.TeamFactory(),
                tier1_limit=Decimal(1),
                tier2_limit=Decimal(2),
                currency="USD",
            )
        generate_queue(actor=admin_user, week=WEEK, sample_size=100)

    client.force_login(admin_user)
    url = reverse(f"admin:resolutions_{name}_changelist")
    grow(2)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    grow(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
