"""docs/plugins.md's twenty-line source really works: a class and a settings line."""

import re
import sys
import types
from pathlib import Path

import pytest

from tickets.models import Ticket

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


@pytest.fixture
def zendesk(settings):
    text = DOC.read_text()
    section = text[text.index("## A source in about twenty lines") :]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    assert len(code.strip().splitlines()) <= 30
    module = types.ModuleType("doc_zendesk")
    exec(compile(code, str(DOC), "exec"), module.__dict__)
    sys.modules["doc_zendesk"] = module
    settings.INTEGRATION_SOURCES = {
        **settings.INTEGRATION_SOURCES,
        "zendesk": "doc_zendesk.ZendeskSource",
    }
    yield
    del sys.modules["doc_zendesk"]


def test_the_documented_source_plugin_ingests_a_ticket(zendesk, webhook):
    payload = {
        "ticket": {
            "id": 35436,
            "subject": "Help, my printer is on fire!",
            "description": "The fire is very colorful.",
            "priority": "urgent",
            "requester": {"email": "jo@example.com", "name": "Jo"},
            "tags": ["enterprise"],
        }
    }
    response = webhook("zendesk", payload)
    assert response.status_code == 202, response.content
    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.external_id, ticket.priority) == ("zendesk", "35436", "critical")
    assert ticket.external_metadata == {"tags": ["enterprise"]}
    assert webhook("zendesk", {"ticket": {"id": 1}}).status_code == 400
