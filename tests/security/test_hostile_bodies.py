"""The same hostile bodies to every write endpoint of the URL conf, signed in or not: a 4xx in
the error format each time, never a 5xx (API.md, "Added in wave 2")."""

import json

import pytest
from django.test import Client

from tests.security.routes import WRITE_METHODS, api_routes
from tests.security.world import build_world, undone

pytestmark = pytest.mark.django_db

WRITES = [
    (route, method) for route in api_routes() for method in route.methods if method in WRITE_METHODS
]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_objects(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


HOSTILE_JSON = {
    "1,000 nested arrays (the interpreter's recursion limit)": nested(1000),
    "100,000 nested arrays": nested(100_000),
    "40 nested objects (over the depth limit, under the interpreter's)": nested_objects(40),
    "20,000 keys": json.dumps({f"k{n}": n for n in range(20_000)}),
    "not JSON": "{'title': 'x',",
    "NaN": '{"title": NaN}',
    "a lone surrogate": '{"title": "\\ud800"}',
    "not UTF-8": b'{"title": "\xff\xfe"}',
}


@pytest.fixture(scope="module")
def write_routes():
    assert len(WRITES) >= 40  # generated: 47 write route-methods when written
    return WRITES


@pytest.mark.parametrize("kind", list(HOSTILE_JSON))
def test_hostile_json_to_every_write_endpoint(kind, write_routes):
    world = build_world()
    body = HOSTILE_JSON[kind]
    problems = []
    for route, method in write_routes:
        path = route.path(world.ids)
        for role in ("anonymous", "integration", "admin"):
            response = _raw(world, role, method, path, body, "application/json")
            problems += _problems(f"{role} {method} {path}", response)
    assert problems == []


def test_the_deep_body_is_a_400_with_a_plain_message(client, admin_user):
    client.force_login(admin_user)
    for path in ("/api/auth/token/", "/api/auth/token/refresh/", "/api/v1/tickets/"):
        response = client.post(path, nested(1000), content_type="application/json")
        assert response.status_code == 400, path
        assert response.json() == {
            "errors": {"non_field_errors": ["JSON nested deeper than 32 levels."]}
        }


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=", "application/x-www-form-urlencoded"],
)
def test_forms_without_a_boundary_or_of_the_wrong_type(content_type, write_routes):
    world = build_world()
    problems = []
    for route, method in write_routes:
        path = route.path(world.ids)
        for role in ("anonymous", "admin"):
            response = _raw(world, role, method, path, b"--x\r\nbroken", content_type)
            problems += _problems(f"{role} {method} {path}", response)
    assert problems == []


def _problems(what: str, response) -> list[str]:
    """A 5xx, or a 4xx outside the error format. (A 2xx is fine: some actions read no body.)"""
    if response.status_code >= 500:
        return [f"{what}: {response.status_code}"]
    if response.status_code >= 400 and not response.content.startswith(b'{"errors":'):
        return [f"{what}: {response.status_code} {response.content[:80]!r}"]
    return []


def _raw(world, role, method, path, body, content_type):
    if role == "integration":
        client = Client(HTTP_AUTHORIZATION=f"Api-Key {world.api_key}", HTTP_X_SOURCE_ID="generic")
    else:
        client = Client()
        if world.users[role] is not None:
            client.force_login(world.users[role])
    return undone(lambda: getattr(client, method)(path, body, content_type=content_type))
