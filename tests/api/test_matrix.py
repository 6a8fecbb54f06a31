"""Every role against every endpoint: who may do what (API.md "Roles")."""

import pytest

from integrations.actions.keys import create_api_key
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "integration",
    "requester",
    "stranger",
    "agent",
    "other_agent",
    "manager",
    "admin",
]


@pytest.fixture
def world(team, other_team, agent, other_agent, manager, admin_user, requester):
    ticket = factories.TicketFactory(team=team, requester=requester.contact)
    _, raw_key = create_api_key(source="generic", name="matrix")
    return {
        "ticket": ticket,
        "team": team,
        "users": {
            "anonymous": None,
            "requester": requester,
            "stranger": factories.RequesterFactory(),
            "agent": agent,
            "other_agent": other_agent,
            "manager": manager,
            "admin": admin_user,
        },
        "key": raw_key,
    }


def call(api, world, role: str, method: str, path: str, body=None):
    if role == "integration":
        api.force_authenticate(user=None)
        api.credentials(HTTP_AUTHORIZATION=f"Api-Key {world['key']}")
    else:
        api.credentials()
        api.force_authenticate(user=world["users"][role])
    path = path.format(t=world["ticket"].pk, team=world["team"].pk)
    if body and "email" in body:
        body = body | {"email": body["email"].replace("{role}", role)}
    return getattr(api, method)(path, body or {}, format="json").status_code


#                    anon  integ  req   strgr agent oagent mgr   admin
EXPECTED = [
    ("get", "/api/v1/tickets/", None, [401, 403, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/tickets/{t}/", None, [401, 403, 200, 404, 200, 404, 200, 200]),
    ("get", "/api/v1/tickets/{t}/timeline/", None, [401, 403, 200, 404, 200, 404, 200, 200]),
    ("get", "/api/v1/tickets/{t}/tasks/", None, [401, 403, 403, 404, 200, 404, 200, 200]),
    (
        "patch",
        "/api/v1/tickets/{t}/",
        {"title": "edited"},
        [401, 403, 403, 404, 200, 404, 200, 200],
    ),
    (
        "post",
        "/api/v1/tickets/{t}/timeline/",
        {"type": "email", "visibility": "public", "content": "hi"},
        [401, 403, 201, 404, 201, 404, 201, 201],
    ),
    # Not the owner: agents are refused before the status is looked at; managers may act on
    # any ticket, and waiting is not a way out of "new".
    ("post", "/api/v1/tickets/{t}/wait/", None, [401, 403, 403, 404, 403, 404, 409, 409]),
    ("get", "/api/v1/tasks/", None, [401, 403, 403, 403, 200, 200, 200, 200]),
    ("get", "/api/v1/contacts/", None, [401, 403, 403, 403, 200, 200, 200, 200]),
    (
        "post",
        "/api/v1/contacts/",
        {"email": "new-{role}@customer.example"},
        [401, 403, 403, 403, 201, 201, 201, 201],
    ),
    ("get", "/api/v1/teams/", None, [401, 403, 403, 403, 200, 200, 200, 200]),
    ("get", "/api/v1/teams/{team}/", None, [401, 403, 403, 403, 200, 200, 200, 200]),
    (
        "patch",
        "/api/v1/teams/{team}/",
        {"max_bandwidth": 21},
        [401, 403, 403, 403, 403, 403, 403, 200],
    ),
    ("get", "/api/v1/agents/", None, [401, 403, 403, 403, 200, 200, 200, 200]),
    ("post", "/api/v1/agents/", {"username": "x"}, [401, 403, 403, 403, 403, 403, 403, 400]),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "codes"), EXPECTED, ids=[f"{m} {p}" for m, p, _, _ in EXPECTED]
)
def test_role_matrix(api, world, method, path, body, codes):
    got = [call(api, world, role, method, path, body) for role in ROLES]
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, codes, strict=True))


def test_ticket_creation_by_role(api, world):
    requester_body = {"title": "mine"}
    staff_body = {"title": "for them", "requester": {"email": "c@customer.example"}}
    got = {
        role: call(
            api,
            world,
            role,
            "post",
            "/api/v1/tickets/",
            requester_body if role in ("requester", "stranger") else staff_body,
        )
        for role in ROLES
    }
    assert got == {
        "anonymous": 401,
        "integration": 403,
        "requester": 201,
        "stranger": 201,
        "agent": 201,
        "other_agent": 201,
        "manager": 201,
        "admin": 201,
    }


def test_accept_by_role(api, world):
    """Each role tries on a fresh ticket of `team`."""
    got = {}
    for role in ROLES:
        world["ticket"] = factories.TicketFactory(team=world["team"])
        got[role] = call(api, world, role, "post", "/api/v1/tickets/{t}/accept/")
    assert got == {
        "anonymous": 401,
        "integration": 403,
        "requester": 404,
        "stranger": 404,
        "agent": 200,
        "other_agent": 404,
        "manager": 200,
        "admin": 200,
    }
