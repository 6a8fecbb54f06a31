import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached values never leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def team(db):
    return factories.TeamFactory(slug="network", capabilities=["network", "vpn"])


@pytest.fixture
def other_team(db):
    return factories.TeamFactory(slug="apps", capabilities=["sap"])


@pytest.fixture
def agent(team):
    return factories.AgentFactory(teams=[team])


@pytest.fixture
def other_agent(other_team):
    return factories.AgentFactory(teams=[other_team])


@pytest.fixture
def manager(db):
    return factories.ManagerFactory()


@pytest.fixture
def admin_user(db):
    return factories.AdminUserFactory()


@pytest.fixture
def requester(db):
    return factories.RequesterFactory()


@pytest.fixture
def ticket(team, requester):
    """A new, unowned ticket of `team`, opened by `requester`."""
    return factories.TicketFactory(team=team, requester=requester.contact)
