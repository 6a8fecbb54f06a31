"""The team page lists its members with availability and load; capabilities and skills are tag
inputs that round-trip as lists; an agent's profile shows teams, skills, zone, capacity and load;
saves go through org.actions (audited)."""

import pytest
from django.urls import reverse

from core.models import AuditLog
from core.tag_input import TagListField, split_tags
from org.models import AgentProfile, Team
from tests import factories
from tests.pages.inline import inline_code

pytestmark = pytest.mark.django_db


def _agent_with_open_tickets(team, username: str, open_count: int, *, available=True):
    user = factories.AgentFactory(username=username, teams=[team])
    AgentProfile.objects.filter(user=user).update(is_available=available, max_capacity=7)
    for _ in range(open_count):
        factories.TicketFactory(team=team, owner=user, status="in_progress")
    factories.TicketFactory(team=team, owner=user, status="resolved")  # not load
    return user


def _team_page(client, team):
    return client.get(reverse("admin:org_team_change", args=[team.pk]))


def test_the_team_page_lists_members_with_availability_and_load(client, admin_user, team):
    _agent_with_open_tickets(team, "ada", 3)
    _agent_with_open_tickets(team, "ben", 0, available=False)
    client.force_login(admin_user)

    response = _team_page(client, team)

    assert response.status_code == 200
    rows = response.context["inline_admin_formsets"][0].formset.queryset
    loads = {r.agentprofile.user.username: (r.load, r.agentprofile.is_available) for r in rows}
    assert loads == {"ada": (3, True), "ben": (0, False)}
    html = response.content.decode()
    assert "Open tickets owned" in html
    assert inline_code(html) == []


def test_the_team_page_runs_the_same_queries_for_two_members_or_twelve(
    client, admin_user, team, django_assert_max_num_queries
):
    client.force_login(admin_user)
    for n in range(2):
        _agent_with_open_tickets(team, f"few{n}", 1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert _team_page(client, team).status_code == 200
    for n in range(10):
        _agent_with_open_tickets(team, f"many{n}", 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = _team_page(client, team)
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 12


def test_the_agent_list_shows_teams_skills_zone_capacity_and_load(
    client, admin_user, team, other_team, django_assert_max_num_queries
):
    for n in range(8):
        user = _agent_with_open_tickets(team, f"agent-{n}", n % 3)
        AgentProfile.objects.get(user=user).teams.add(other_team)
    AgentProfile.objects.filter(user__username="agent-2").update(skills=["vpn", "sap"])
    client.force_login(admin_user)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:org_agentprofile_changelist"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "vpn, sap" in html and "Apps, Network" in html and "Europe/London" not in html
    row = next(p for p in response.context["cl"].result_list if p.user.username == "agent-2")
    assert row.load == 2


def test_the_agent_page_shows_current_load(client, admin_user, team):
    user = _agent_with_open_tickets(team, "cara", 2)
    client.force_login(admin_user)
    profile = AgentProfile.objects.get(user=user)

    response = client.get(reverse("admin:org_agentprofile_change", args=[profile.pk]))

    assert response.status_code == 200
    assert "Current load (open tickets owned)" in response.content.decode()
    assert response.context["original"].load == 2


def _team_form(team: Team, **changes) -> dict:
    form = {
        "name": team.name,
        "slug": team.slug,
        "status": team.status,
        "capabilities": ", ".join(team.capabilities),
        "max_bandwidth": team.max_bandwidth,
        "latitude": team.latitude,
        "longitude": team.longitude,
        "timezone": team.timezone,
        "avg_resolution_time_hours": team.avg_resolution_time_hours,
        "sla_compliance_rate": team.sla_compliance_rate,
        "quality_score": team.quality_score,
        "cultural_competencies": "",
        "AgentProfile_teams-TOTAL_FORMS": 0,
        "AgentProfile_teams-INITIAL_FORMS": 0,
        "AgentProfile_teams-MIN_NUM_FORMS": 0,
        "AgentProfile_teams-MAX_NUM_FORMS": 1000,
    }
    return form | changes


def test_capabilities_are_a_tag_input_that_round_trips_as_a_list(client, admin_user, team):
    factories.TicketFactory(team=team, category="printers")
    client.force_login(admin_user)
    page = _team_page(client, team).content.decode()
    assert 'data-tag-input list="id_capabilities_suggestions"' in page
    assert 'value="network, vpn"' in page
    assert '<option value="printers">' in page  # a ticket category in use
    assert "js/tag_input.js" in page

    response = client.post(
        reverse("admin:org_team_change", args=[team.pk]),
        _team_form(
            team, capabilities=" vpn,  firewall ,vpn,, Wi-Fi ", cultural_competencies="en, de"
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    team.refresh_from_db()
    assert team.capabilities == ["vpn", "firewall", "Wi-Fi"]
    assert team.cultural_competencies == ["en", "de"]
    assert AuditLog.objects.filter(action="org.team_changed", data__slug="network").exists()
    page = _team_page(client, team).content.decode()
    assert 'value="vpn, firewall, Wi-Fi"' in page


def test_a_bad_team_form_is_refused_with_field_messages(client, admin_user, team):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:org_team_change", args=[team.pk]),
        _team_form(team, capabilities="x" * 101, timezone="Mars/Olympus"),
    )
    errors = response.context["adminform"].form.errors
    assert "capabilities" in errors and "timezone" in errors
    team.refresh_from_db()
    assert team.capabilities == ["network", "vpn"]


def test_skills_round_trip_and_the_profile_save_is_audited(client, admin_user, team, other_team):
    user = factories.AgentFactory(username="dora", teams=[team])
    profile = AgentProfile.objects.get(user=user)
    client.force_login(admin_user)
    form = {
        "user": user.pk,
        "teams": [other_team.pk],
        "skills": "sap, abap",
        "max_capacity": 4,
        "is_available": "on",
        "timezone": "Europe/Berlin",
        "latitude": "",
        "longitude": "",
    }

    response = client.post(reverse("admin:org_agentprofile_change", args=[profile.pk]), form)

    assert response.status_code == 302, response.context["adminform"].form.errors
    profile.refresh_from_db()
    assert profile.skills == ["sap", "abap"]
    assert [t.slug for t in profile.teams.all()] == ["apps"]
    audit = AuditLog.objects.get(action="org.agent_profile_changed")
    assert audit.data["teams_added"] == ["apps"] and audit.data["teams_removed"] == ["network"]


def test_the_tag_field_takes_and_gives_lists():
    field = TagListField()
    assert field.clean("a, b ,a,,") == ["a", "b"]
    assert field.clean(["x", " y "]) == ["x", "y"]
    assert field.clean("") == []
    assert field.has_changed(["a", "b"], "a, b") is False
    assert field.has_changed(["a", "b"], "b, a") is True
    assert split_tags(None) == []
    assert field.widget.format_value(["a", "b"]) == "a, b"


def test_the_profile_inline_on_the_user_page_saves_through_the_action(
    client, admin_user, team, other_team
):
    user = factories.AgentFactory(username="ivy", teams=[team])
    profile = AgentProfile.objects.get(user=user)
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[user.pk])
    form = {
        "username": "ivy",
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "agent_profile-TOTAL_FORMS": "1",
        "agent_profile-INITIAL_FORMS": "1",
        "agent_profile-MIN_NUM_FORMS": "0",
        "agent_profile-MAX_NUM_FORMS": "1",
        "agent_profile-0-id": profile.pk,
        "agent_profile-0-user": user.pk,
        "agent_profile-0-teams": [team.pk, other_team.pk],
        "agent_profile-0-skills": "dns, dhcp",
        "agent_profile-0-max_capacity": "6",
        "agent_profile-0-is_available": "on",
        "agent_profile-0-timezone": "Europe/Madrid",
    }

    response = client.post(url, form)

    assert response.status_code == 302, response.context["errors"]
    profile.refresh_from_db()
    assert (profile.skills, profile.max_capacity, profile.timezone) == (
        ["dns", "dhcp"],
        6,
        "Europe/Madrid",
    )
    assert sorted(t.slug for t in profile.teams.all()) == ["apps", "network"]
    assert AuditLog.objects.get(action="org.agent_profile_changed").data["teams_added"] == ["apps"]


def test_a_team_added_in_the_admin_is_created_by_the_action(client, admin_user):
    client.force_login(admin_user)
    blank = Team(name="Field Services", slug="field", capabilities=[])
    form = _team_form(blank, capabilities="printers, desks", timezone="Asia/Tokyo")
    form |= {"latitude": "", "longitude": ""}

    response = client.post(reverse("admin:org_team_add"), form)

    assert response.status_code == 302, response.context["adminform"].form.errors
    team = Team.objects.get(slug="field")
    assert (team.capabilities, team.timezone) == (["printers", "desks"], "Asia/Tokyo")
    assert AuditLog.objects.filter(action="org.team_created", data__slug="field").exists()
