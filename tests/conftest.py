import os
import shutil
import zlib

import factory.random
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from core import memo
from core import tasks as core_tasks
from core.api.throttling import forget_local_counts
from tests import factories
from tests.commits import QueuedDeliverer, emulate_commits


@pytest.hookimpl(optionalhook=True)  # pytest -p no:xdist still runs
def pytest_xdist_make_scheduler(config, log):
    """Each module that serves its own processes runs on one worker (tests.scheduling)."""
    from tests.scheduling import ServingModulesOnOneWorker

    return ServingModulesOnOneWorker(config, log)


def pytest_sessionfinish(session):
    """The run's controller (or its only process) removes the migrated SQLite templates its
    workers shared (tests.dashboard.server.migrated_template)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        from tests.dashboard.server import templates_folder

        shutil.rmtree(templates_folder(), ignore_errors=True)


@pytest.fixture(autouse=True)
def _fake_data_seeded_by_test(request):
    """Faker's names and factory-boy's fuzzy values come from a seed of the test's id, so a
    test sees the same data in every run, whichever worker or order it runs in: a collision in
    random data fails every time, not one CI run in a hundred."""
    factory.random.reseed_random(zlib.crc32(request.node.nodeid.encode()))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters, cached values and memos never leak from one test into the next."""
    cache.clear()
    memo.forget_all()
    forget_local_counts()
    yield
    cache.clear()
    memo.forget_all()
    forget_local_counts()


@pytest.fixture
def api():
    """An API client; ``api.as_(user)`` signs it in (None: anonymous)."""

    class Client(APIClient):
        def as_(self, user):
            self.force_authenticate(user=user)
            return self

    return Client()


@pytest.fixture
def queued(monkeypatch) -> QueuedDeliverer:
    """Creates answer before their delivery; the streams they queued are in ``.streams``, and
    ``.deliver()`` runs them."""
    deliverer = QueuedDeliverer()
    monkeypatch.setattr(core_tasks, "deliverer", deliverer)
    return deliverer


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


@pytest.fixture(autouse=True)
def _commits(request):
    """Each action commits as in production: its on-commit work (the event bus's delivery,
    notifications) runs when it returns (tests.commits). For the tests that use the database;
    the browser and server tests run their own processes. ``@pytest.mark.held_commits`` keeps
    a test's on-commit work held, as pytest-django does by default (tests of that work itself
    run it by hand)."""
    uses_db = request.node.get_closest_marker("django_db") or "db" in request.fixturenames
    if not uses_db or request.node.get_closest_marker("held_commits"):
        yield
        return
    request.getfixturevalue("db")
    with emulate_commits():
        yield


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright, one per test module (tests.browser.chromium);
    imported here only when a browser test asks for it."""
    from tests.browser import chromium

    with chromium() as launched:
        yield launched
