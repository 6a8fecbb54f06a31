"""schemathesis over the webhook operation with a real integration key: whatever the body and
headers, no 5xx and every answer is documented (status, content type, schema)."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from rest_framework_simplejwt.tokens import AccessToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from integrations.actions.keys import create_api_key
from tests import factories
from tests.api.test_schema import keep_test_connection  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("source", ["generic", "servicenow", "jira", "glpi", "solman"])
def test_webhook_fuzz(settings_fixture, keep_test_connection, source):  # noqa: F811
    _, raw = create_api_key(source=source, name="fuzz")
    auth = {"Authorization": f"Api-Key {raw}"}
    # The schema is for signed-in people (itsm.api.docs), not keys: a manager reads it, the
    # fuzz cases go out with the key.
    reader = {"Authorization": f"Bearer {AccessToken.for_user(factories.ManagerFactory())}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), headers=reader)
    schema.config.headers = auth
    operation = next(
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().path == "/api/v1/webhooks/ticket"
    )
    seen: set[int] = set()

    @given(case=operation.as_strategy())
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case):
        case.headers = {**(case.headers or {}), "X-Source-ID": source}
        response = case.call()
        seen.add(response.status_code)
        case.validate_response(
            response,
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ],
        )

    run()
    assert seen & {400, 415}, seen


@pytest.fixture
def settings_fixture(settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    return settings
