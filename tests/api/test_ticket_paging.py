"""The ticket list's page size is the caller's, up to a cap."""

import pytest

from tests import factories
from tests.api.test_tickets import url

pytestmark = pytest.mark.django_db


def test_pagination_is_capped(api, team, manager):
    factories.TicketFactory.create_batch(120, team=team)
    body = api.as_(manager).get(url(), {"page_size": 10**9}).json()
    assert body["count"] == 120 and len(body["results"]) == 100
    assert len(api.as_(manager).get(url(), {"page_size": 7}).json()["results"]) == 7
