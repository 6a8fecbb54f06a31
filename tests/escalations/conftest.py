import pytest

from itsm.celery import app as celery_app
from tests import factories
from tickets.actions import ownership


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process whatever the environment (CI also runs with REDIS_URL set)."""
    conf = celery_app.conf
    previous = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = previous


@pytest.fixture
def dba(db):
    """The experts' team."""
    return factories.TeamFactory(slug="dba", name="Database experts", capabilities=["sql"])


@pytest.fixture
def expert(dba):
    return factories.AgentFactory(teams=[dba])


@pytest.fixture
def expert2(dba):
    return factories.AgentFactory(teams=[dba])


@pytest.fixture
def owned(ticket, agent):
    """`ticket` accepted by `agent`: in progress, owned."""
    return ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
