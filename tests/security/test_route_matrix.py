"""Every API route x every method x every role, generated from the URL conf: no 5xx, no 2xx a
role is not allowed (tests.security.policy), and no answer that shows a role what it must not
see (the world's ticket and its internals, in lists too)."""

import pytest
from rest_framework.test import APIClient

from tests.security.policy import POLICY, allowed_roles
from tests.security.routes import api_routes
from tests.security.world import ROLES, World, build_world, undone

pytestmark = pytest.mark.django_db

CASES = [(route, method) for route in api_routes() for method in route.methods]
REFUSED = (401, 403, 404, 405)


def client_for(world: World, role: str) -> APIClient:
    client = APIClient()
    if role == "integration":
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {world.api_key}")
    elif world.users[role] is not None:
        client.force_authenticate(world.users[role])
    return client


def call(world: World, role: str, method: str, path: str, body=None):
    """One request, undone afterwards: each role meets the same world."""
    client = client_for(world, role)
    return undone(lambda: getattr(client, method)(path, body or {}, format="json"))


def test_every_route_has_a_policy_and_every_policy_a_route():
    generated = {f"{route.name} {method}" for route, method in CASES}
    assert generated - set(POLICY) == set(), "routes without a policy line"
    assert set(POLICY) - generated == set(), "policy lines for routes that are gone"
    assert len(CASES) * len(ROLES) >= 850  # 96 route-methods x 9 roles when written


@pytest.mark.parametrize(("route", "method"), CASES, ids=[f"{r.name} {m}" for r, m in CASES])
def test_route_by_role(route, method):
    world = build_world()
    path = route.path(world.ids)
    allowed = allowed_roles(route.name, method)
    problems = []
    for role in ROLES:
        response = call(world, role, method, path)
        code = response.status_code
        body = _text(response)
        if code >= 500:
            problems.append(f"{role}: {code}")
        elif 200 <= code < 300 and role not in allowed:
            problems.append(f"{role}: unexpected {code}")
        elif role in allowed and code in REFUSED:
            problems.append(f"{role}: refused {code}, policy allows")
        if code >= 400 and not body.startswith('{"errors":'):
            problems.append(f"{role}: {code} outside the error format")
        leaked = [secret for secret in world.secrets.get(role, ()) if secret in body]
        if 200 <= code < 300 and leaked:
            problems.append(f"{role}: answer shows {leaked}")
    assert problems == [], f"{method.upper()} {path}"


def _text(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")
