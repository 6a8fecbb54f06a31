"""Every layer that can refuse a request answers in the API's error format with a plain
message: DRF, simplejwt, Django (handlers, CSRF, hosts), and Django's ASGI handler."""

import json

import pytest
from asgiref.sync import async_to_sync
from django.test import Client, RequestFactory
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from itsm.api.views import csrf_failure
from itsm.asgi import application
from tests.asgi import http_get

pytestmark = pytest.mark.django_db


def errors_of(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    return response.json()["errors"]


def test_drf_validation(client, agent):
    client.force_login(agent)
    response = client.post("/api/v1/tickets/", {"title": ""}, content_type="application/json")
    assert response.status_code == 400 and "title" in errors_of(response)


@pytest.mark.parametrize(
    "authorization",
    ["Bearer abc.def.ghi", "Bearer ", "Bearer a b", "Bearer " + "x" * 5000],
)
def test_simplejwt_bad_access_token_is_one_plain_sentence(client, authorization):
    response = client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 401
    messages = errors_of(response)["non_field_errors"]
    assert len(messages) == 1
    assert "ErrorDetail" not in messages[0] and "{" not in messages[0], messages[0]


def test_simplejwt_expired_and_wrong_type_tokens(client, agent):
    refresh = RefreshToken.for_user(agent)
    # A refresh token where an access token belongs.
    response = client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Bearer {refresh}")
    assert errors_of(response) == {
        "non_field_errors": ["Given token not valid for any token type: Token has wrong type."]
    }
    expired = AccessToken.for_user(agent)
    expired.set_exp(lifetime=-expired.lifetime)
    response = client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Bearer {expired}")
    assert response.status_code == 401
    assert "expired" in errors_of(response)["non_field_errors"][0]


def test_simplejwt_refresh_with_garbage(client):
    response = client.post(
        "/api/auth/token/refresh/", {"refresh": "nope"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert errors_of(response)["non_field_errors"] == ["Token is invalid."]


def test_django_disallowed_host(client):
    response = client.get("/api/v1/tickets/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert errors_of(response) == {"non_field_errors": ["Bad request."]}


def test_django_unknown_path_and_method(client, agent):
    assert errors_of(client.get("/api/v9/nothing/")) == {"non_field_errors": ["Not found."]}
    client.force_login(agent)
    response = client.delete("/api/v1/tickets/")
    assert response.status_code == 405 and "non_field_errors" in errors_of(response)


def test_django_csrf_failure_view():
    request = RequestFactory().post("/api/v1/tickets/")
    response = csrf_failure(request, reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert json.loads(response.content) == {
        "errors": {"non_field_errors": ["CSRF check failed: CSRF cookie not set."]}
    }


def test_drf_csrf_for_a_browser_session(agent):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent)
    response = browser.post("/api/v1/tickets/", {}, content_type="application/json")
    assert response.status_code == 403
    assert errors_of(response)["non_field_errors"][0].startswith("CSRF Failed")


def test_a_page_answers_html_not_json(client):
    """Pages keep their pages: the error format is the API's."""
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


async def asgi_get(path: str, query_string: bytes = b"", headers=()) -> tuple[int, dict, bytes]:
    return await http_get(
        application, path, query_string=query_string, headers=headers, host=b"localhost"
    )


def test_asgi_handler_query_string_not_utf8():
    """Django's ASGI handler answers a bare 400 before any middleware (or database) is used."""
    status, headers, body = async_to_sync(asgi_get)("/api/v1/tickets/", query_string=b"q=\xff\xfe")
    assert status == 400
    assert headers[b"content-type"] == b"application/json"
    assert json.loads(body) == {"errors": {"non_field_errors": ["Bad Request."]}}
    # Pages are left alone.
    status, headers, body = async_to_sync(asgi_get)("/tickets/", query_string=b"q=\xff\xfe")
    assert status == 400 and not body.startswith(b'{"errors"')
