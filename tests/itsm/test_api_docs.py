"""/api/schema/ and /api/docs/ are for signed-in callers (session or JWT) unless the deployment
sets API_DOCS_PUBLIC: the document lists every operation, which is a map for an attacker."""

import pytest
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

pytestmark = pytest.mark.django_db

SCHEMA = "/api/schema/"
OPENAPI_JSON = "application/vnd.oai.openapi+json"
DOCS = "/api/docs/"


@pytest.mark.parametrize("accept", ["*/*", OPENAPI_JSON, "application/vnd.oai.openapi"])
def test_anonymous_callers_get_no_schema(client, accept):
    response = client.get(SCHEMA, HTTP_ACCEPT=accept)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["errors"]
    assert list(body["errors"]) == ["non_field_errors"]
    assert body["errors"]["non_field_errors"][0]


def test_anonymous_browsers_are_sent_to_sign_in_for_the_docs(client):
    for url in (DOCS, f"{DOCS}?script="):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=/api/docs/")


def test_a_signed_in_session_reads_schema_and_docs(client, requester):
    client.force_login(requester)
    assert client.get(SCHEMA).status_code == 200
    docs = client.get(DOCS)
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    script = client.get(f"{DOCS}?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_a_jwt_reads_the_schema(agent):
    token = AccessToken.for_user(agent)
    response = Client().get(SCHEMA, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT=OPENAPI_JSON)
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_a_bad_jwt_is_refused(db):
    response = Client().get(SCHEMA, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert "non_field_errors" in response.json()["errors"]


def test_api_docs_public_opens_both_to_anonymous_callers(client, settings):
    settings.API_DOCS_PUBLIC = True
    assert client.get(SCHEMA).status_code == 200
    assert client.get(DOCS).status_code == 200
    assert client.get(f"{DOCS}?script=").status_code == 200


def test_the_setting_is_off_by_default():
    from django.conf import settings

    assert settings.API_DOCS_PUBLIC is False
