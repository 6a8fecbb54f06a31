from io import StringIO

import pytest
from django.core.management import call_command

from integrations.models import ApiKey

pytestmark = pytest.mark.django_db


def token(api, username: str, password: str = "pass-1234", **extra):
    return api.post("/api/auth/token/", {"username": username, "password": password}, **extra)


def test_token_pair_and_bearer_access(api, agent):
    response = token(api, agent.username)
    assert response.status_code == 200
    pair = response.json()
    assert set(pair) == {"access", "refresh"}
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert api.get("/api/v1/tickets/").status_code == 200


def test_bad_credentials_are_401_in_the_error_format(api, agent):
    response = token(api, agent.username, "wrong")
    assert response.status_code == 401
    assert "non_field_errors" in response.json()["errors"]


def test_refresh_rotates_and_the_old_refresh_is_blacklisted(api, agent):
    pair = token(api, agent.username).json()
    first = api.post("/api/auth/token/refresh/", {"refresh": pair["refresh"]})
    assert first.status_code == 200
    assert {"access", "refresh"} <= set(first.json())
    again = api.post("/api/auth/token/refresh/", {"refresh": pair["refresh"]})
    assert again.status_code == 401


def test_garbage_tokens_are_401(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer not.a.jwt")
    assert api.get("/api/v1/tickets/").status_code == 401
    assert api.post("/api/auth/token/refresh/", {"refresh": "junk"}).status_code == 401


def test_no_credentials_is_401_with_a_challenge(api):
    response = api.get("/api/v1/tickets/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_repeated_failures_lock_the_login_with_429(api, agent, settings):
    codes = [
        token(api, agent.username, "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert codes == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the last one locks
    locked = token(api, agent.username)  # even the right password now
    assert locked.status_code == 429
    assert "Retry-After" in locked.headers
    assert "errors" in locked.json()


def test_browser_login_is_locked_out_too(client, agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": agent.username, "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": agent.username, "password": "pass-1234"}
    )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_other_users_and_addresses_are_not_locked(api, agent, other_agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        token(api, agent.username, "wrong")
    assert token(api, other_agent.username).status_code == 200
    assert token(api, agent.username, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_api_key_from_the_command_authenticates_as_an_integration(api, manager):
    out = StringIO()
    call_command("create_api_key", "--source", "servicenow", "--name", "SNOW prod", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    key = ApiKey.objects.get()
    assert key.source == "servicenow"
    assert raw not in key.hashed_key and raw.startswith(key.prefix)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    # An integration holds no ticket rights: authenticated (not 401) but forbidden.
    assert api.get("/api/v1/tickets/").status_code == 403
    key.refresh_from_db()
    assert key.last_used_at is not None


@pytest.mark.parametrize("header", ["Api-Key nope.nope", "Api-Key ", "Api-Key a b"])
def test_wrong_api_keys_are_401(api, header):
    api.credentials(HTTP_AUTHORIZATION=header)
    assert api.get("/api/v1/tickets/").status_code == 401


def test_revoked_key_is_401(api):
    from integrations.actions.keys import create_api_key

    key, raw = create_api_key(source="jira", name="old")
    ApiKey.objects.filter(pk=key.pk).update(is_active=False)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert api.get("/api/v1/tickets/").status_code == 401


def test_session_api_calls_need_csrf(agent):
    from rest_framework.test import APIClient

    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(agent)
    assert browser.get("/api/v1/tickets/").status_code == 200
    response = browser.post("/api/v1/contacts/", {"email": "x@example.com"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["errors"]["non_field_errors"][0]
