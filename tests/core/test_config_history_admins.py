"""Teams, agents, SLA policies, calendars and API keys join the configuration history through
the admin mixin: each change recorded with who, when, before and after (a calendar with its
week and closed dates, a key without its hash) and listed on the object's History page."""

import pytest
from django.urls import reverse

from core.admin_mixins import ConfigHistoryAdminMixin
from core.models import ConfigChange
from integrations.admin import ApiKeyAdmin
from integrations.models import ApiKey
from org.admin.agents import AgentProfileAdmin
from org.admin.teams import TeamAdmin
from sla.admin.calendars import BusinessCalendarAdmin
from sla.admin.policies import SLAPolicyAdmin
from tests.org.test_admin_people import _team_form
from tests.sla.factories import CalendarFactory
from tests.sla.test_admin_config import calendar_form

pytestmark = pytest.mark.django_db


def history(label: str, pk) -> list[ConfigChange]:
    return list(ConfigChange.objects.filter(object_type=label, object_id=str(pk)).order_by("id"))


@pytest.mark.parametrize(
    "admin_class",
    [TeamAdmin, AgentProfileAdmin, SLAPolicyAdmin, BusinessCalendarAdmin, ApiKeyAdmin],
)
def test_the_configuration_admins_keep_a_history(admin_class):
    assert issubclass(admin_class, ConfigHistoryAdminMixin)


def test_a_team_change_is_recorded_and_shown_on_its_history_page(client, admin_user, team):
    client.force_login(admin_user)
    url = reverse("admin:org_team_change", args=[team.pk])
    was = team.max_bandwidth
    assert was != 7

    response = client.post(url, _team_form(team, max_bandwidth=7, capabilities="vpn"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    (change,) = history("org.team", team.pk)
    assert change.actor == admin_user
    assert (change.before["max_bandwidth"], change.after["max_bandwidth"]) == (was, 7)
    assert change.after["capabilities"] == ["vpn"]
    page = client.get(reverse("admin:org_team_history", args=[team.pk])).content.decode()
    assert "max_bandwidth" in page


def test_a_calendar_change_records_its_week(client, admin_user):
    calendar = CalendarFactory(always_open=False, weekdays_9_to_5=True)
    client.force_login(admin_user)
    url = reverse("admin:sla_businesscalendar_change", args=[calendar.pk])

    week = {day: [("09:00", "17:00")] for day in range(4)} | {4: [("09:00", "13:00")]}
    response = client.post(url, calendar_form(calendar, week))

    assert response.status_code == 302, response.context["adminform"].form.errors
    (change,) = history("sla.businesscalendar", calendar.pk)
    assert "4 09:00-17:00" in change.before["hours"]
    assert "4 09:00-13:00" in change.after["hours"]
    assert change.after["closed_dates"] == []


def test_an_api_key_change_never_records_its_hash(client, admin_user):
    from integrations.actions.keys import create_api_key

    key, _ = create_api_key(source="generic", name="Old name")
    client.force_login(admin_user)
    url = reverse("admin:integrations_apikey_change", args=[key.pk])
    form = {"name": "New name", "source": "generic", "is_active": "on", "rate_per_minute": 120}

    response = client.post(url, form)

    assert response.status_code == 302, response.context["adminform"].form.errors
    (change,) = history("integrations.apikey", key.pk)
    assert (change.before["name"], change.after["name"]) == ("Old name", "New name")
    assert "hashed_key" not in change.before and "hashed_key" not in change.after
    assert ApiKey.objects.get(pk=key.pk).name == "New name"
