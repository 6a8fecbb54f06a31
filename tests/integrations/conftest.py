import json
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from integrations.actions.keys import create_api_key
from itsm.celery import app as celery_app

# The shared samples beside API.md; a copy is kept here so the suite runs without shared/.
FIXTURES = Path(__file__).parent / "payloads"


def sample(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


SAMPLES = {
    "servicenow": "servicenow_incident.json",
    "jira": "jira_issue_created.json",
    "glpi": "glpi_ticket.json",
    "solman": "solman_incident.json",
    "generic": "standard_ticket.json",
}


@pytest.fixture(autouse=True)
def _private_targets_allowed(settings):
    """Our HTTP peers listen on 127.0.0.1; production refuses such targets."""
    settings.INTEGRATIONS_ALLOW_PRIVATE_TARGETS = True


@pytest.fixture
def eager_celery():
    """Tasks run in-process, as without REDIS_URL, whatever the environment."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def make_key(db):
    def make(source: str, **changes) -> str:
        key, raw = create_api_key(source=source, name=f"{source} key")
        if changes:
            type(key).objects.filter(pk=key.pk).update(**changes)
        return raw

    return make


@pytest.fixture
def webhook(make_key):
    """post(source, payload, **headers) -> response, with a key of that source."""
    keys: dict[str, str] = {}

    def post(
        source: str,
        payload,
        *,
        key: str | None = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
        **headers,
    ):
        if key is None:
            key = keys.setdefault(source, make_key(source))
        client = APIClient()
        body = raw if raw is not None else json.dumps(payload).encode()
        extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
        return client.generic(
            "POST",
            "/api/v1/webhooks/ticket",
            body,
            content_type=content_type,
            HTTP_AUTHORIZATION=f"Api-Key {key}",
            HTTP_X_SOURCE_ID=source,
            **extra,
        )

    return post
