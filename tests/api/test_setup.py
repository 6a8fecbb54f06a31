"""Setting up: teams, agents and contacts with the request shapes of API.md."""

import pytest
from django.contrib.auth import get_user_model

from core.roles import Role, role_of
from org.models import Team
from tests import factories
from tickets.models import Contact

pytestmark = pytest.mark.django_db
User = get_user_model()

TEAM = {
    "slug": "network-emea",
    "name": "Network Team EMEA",
    "capabilities": ["network", "vpn"],
    "location": {"lat": 52.52, "lng": 13.405, "timezone": "Europe/Berlin"},
    "max_bandwidth": 30,
    "status": "active",
    "metrics": {
        "avg_resolution_time_hours": 6.5,
        "sla_compliance_rate": 0.93,
        "quality_score": 0.88,
        "cultural_competencies": ["de", "en"],
    },
}


def test_admin_creates_a_team_in_the_api_shape(api, admin_user):
    response = api.as_(admin_user).post("/api/v1/teams/", TEAM)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id"]
    assert {k: body[k] for k in TEAM} == TEAM
    assert body["current_load"] == 0
    team = Team.objects.get(slug="network-emea")
    assert (team.timezone, team.quality_score) == ("Europe/Berlin", 0.88)


def test_current_load_counts_open_tickets(api, admin_user, team):
    factories.TicketFactory.create_batch(3, team=team)
    body = api.as_(admin_user).get(f"/api/v1/teams/{team.pk}/").json()
    assert body["current_load"] == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slug": "has spaces"}, "slug"),
        ({"status": "sleeping"}, "status"),
        ({"location": {"lat": 200, "lng": 0, "timezone": "UTC"}}, "location"),
        ({"location": {"timezone": "Mars/Olympus"}}, "location"),
        ({"metrics": {"quality_score": 1.5}}, "metrics"),
        ({"max_bandwidth": -1}, "max_bandwidth"),
        ({"capabilities": "network"}, "capabilities"),
        ({"owner": 1}, "owner"),
    ],
)
def test_team_validation(api, admin_user, change, field):
    response = api.as_(admin_user).post("/api/v1/teams/", TEAM | change)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Team.objects.filter(slug=TEAM["slug"]).exists()


def test_duplicate_team_slug_is_400(api, admin_user, team):
    response = api.as_(admin_user).post("/api/v1/teams/", TEAM | {"slug": team.slug})
    assert response.status_code == 400 and "slug" in response.json()["errors"]


def test_patch_team(api, admin_user, team):
    response = api.as_(admin_user).patch(f"/api/v1/teams/{team.pk}/", {"status": "inactive"})
    assert response.status_code == 200
    assert response.json()["status"] == "inactive"


def test_only_admins_write_teams(api, manager, agent, team):
    assert api.as_(manager).post("/api/v1/teams/", TEAM).status_code == 403
    assert api.as_(agent).patch(f"/api/v1/teams/{team.pk}/", {"name": "x"}).status_code == 403
    assert api.as_(agent).get("/api/v1/teams/").status_code == 200


AGENT = {
    "username": "kim",
    "email": "kim@desk.example",
    "name": "Kim Lee",
    "password": "a-strong-pass-42",
    "role": "agent",
    "teams": ["network"],
    "skills": ["cisco"],
    "max_capacity": 12,
    "location": {"lat": 1.35, "lng": 103.8, "timezone": "Asia/Singapore"},
}


def test_admin_creates_an_agent_in_one_call(api, admin_user, team):
    response = api.as_(admin_user).post("/api/v1/agents/", AGENT)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert "password" not in body
    assert body["teams"] == ["network"] and body["role"] == "agent"
    user = User.objects.get(username="kim")
    assert user.check_password("a-strong-pass-42") and role_of(user) == Role.AGENT
    # The new agent can sign in and work.
    token = api.post("/api/auth/token/", {"username": "kim", "password": "a-strong-pass-42"})
    assert token.status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "admin"}, "role"),
        ({"teams": ["ghost-team"]}, "teams"),
        ({"email": "nope"}, "email"),
        ({"max_capacity": "lots"}, "max_capacity"),
        ({"password": "123"}, "password"),
    ],
)
def test_agent_validation_writes_nothing(api, admin_user, team, change, field):
    response = api.as_(admin_user).post("/api/v1/agents/", AGENT | change)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not User.objects.filter(username="kim").exists()


def test_only_admins_create_agents(api, manager, team):
    assert api.as_(manager).post("/api/v1/agents/", AGENT).status_code == 403


def test_contacts_with_and_without_a_login(api, agent, manager):
    plain = api.as_(agent).post(
        "/api/v1/contacts/", {"email": "Pat@Customer.example", "name": "Pat"}
    )
    assert plain.status_code == 201, plain.json()
    assert plain.json()["can_sign_in"] is False and plain.json()["email"] == "pat@customer.example"
    assert plain.json()["login"] == "none"
    login = api.as_(manager).post(
        "/api/v1/contacts/",
        {
            "email": "vip@customer.example",
            "name": "Vic",
            "tier": "vip",
            "password": "a-strong-pass-42",
        },
    )
    assert login.status_code == 201
    assert login.json()["can_sign_in"] is True and login.json()["login"] == "active"
    user = User.objects.get(username="vip@customer.example")
    assert role_of(user) == Role.REQUESTER
    assert Contact.objects.get(user=user).tier == "vip"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "bad"}, "email"),
        ({"email": "a@b.example", "tier": "gold"}, "tier"),
        ({"email": "a@b.example", "password": "short"}, "password"),
        ({"email": "a@b.example", "is_staff": True}, "is_staff"),
    ],
)
def test_contact_validation(api, manager, payload, field):
    response = api.as_(manager).post("/api/v1/contacts/", payload)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Contact.objects.filter(email="a@b.example").exists()


def test_duplicate_contact_is_400(api, agent):
    factories.ContactFactory(email="dup@customer.example")
    response = api.as_(agent).post("/api/v1/contacts/", {"email": "DUP@customer.example"})
    assert response.status_code == 400 and "email" in response.json()["errors"]


def test_requesters_cannot_list_or_add_contacts(api, requester):
    assert api.as_(requester).get("/api/v1/contacts/").status_code == 403
    assert api.as_(requester).post("/api/v1/contacts/", {"email": "x@y.example"}).status_code == 403


def test_an_agent_is_read_by_the_id_the_list_shows(api, manager, team):
    factories.UserFactory()  # user ids and profile ids no longer coincide
    factories.AgentFactory(teams=[team], username="ana")
    factories.AgentFactory(teams=[team], username="ben")
    listed = api.as_(manager).get("/api/v1/agents/").json()["results"]
    assert {row["username"] for row in listed} >= {"ana", "ben"}
    for row in listed:
        detail = api.as_(manager).get(f"/api/v1/agents/{row['id']}/")
        assert detail.status_code == 200 and detail.json()["username"] == row["username"]
