"""schemathesis over the envelope operations with real objects behind the ids (the project-wide
fuzz in tests/api/test_schema.py mostly meets 404s): every answer, success or refusal, must be
documented and match its schema, and none may be a 5xx."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework_simplejwt.tokens import AccessToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from escalations.actions import envelopes

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 15


@pytest.fixture
def envelope(owned, agent, dba, expert):
    envelope = envelopes.open_envelope(ticket_id=owned.pk, actor=agent, team=dba, reason="Why")
    envelopes.add_envelope_entry(envelope_id=envelope.pk, actor=expert, content="Looking")
    return envelope


@pytest.fixture
def wsgi_ready(settings):
    """Like Django's test client: requests must not close the test transaction's connection."""
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("wsgi_ready")
@pytest.mark.parametrize("caller", ["agent", "expert", "requester"])
def test_envelope_operations_conform_with_real_ids(request, envelope, caller):
    user = request.getfixturevalue(caller)
    auth = {"Authorization": f"Bearer {AccessToken.for_user(user)}"}
    # The schema is for signed-in callers (itsm.api.docs): read with the same token.
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), headers=auth)
    schema.config.headers = auth
    ids = {"id": str(envelope.pk), "ticket_id": str(envelope.ticket_id)}
    operations = [
        result.ok() for result in schema.get_all_operations() if "envelope" in result.ok().path
    ]
    assert len(operations) >= 9
    statuses = set()

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case):
            if case.path_parameters:
                case.path_parameters = {k: ids.get(k, v) for k, v in case.path_parameters.items()}
            response = case.call()
            statuses.add(response.status_code)
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
    assert 200 in statuses  # real objects were reached, not only 404s
    if caller == "requester":
        assert statuses <= {200, 400, 403, 404}  # empty lists; never an envelope or a write
