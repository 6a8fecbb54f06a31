from decimal import Decimal

import pytest

from itsm.celery import app as celery_app
from org.actions.leads import set_team_lead
from resolutions.actions.config import save_config
from resolutions.actions.resolutions import NewResolution, create_resolution
from tests import factories
from tickets.actions import ownership


@pytest.fixture(autouse=True)
def eager_celery():
    conf = celery_app.conf
    previous = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = previous


@pytest.fixture
def config(team, admin_user):
    """The network team's limits: 50.00 EUR alone, 200.00 EUR with a lead."""
    return save_config(
        actor=admin_user,
        team=team,
        tier1_limit=Decimal("50.00"),
        tier2_limit=Decimal("200.00"),
        currency="EUR",
    )


@pytest.fixture
def lead(team, admin_user):
    user = factories.AgentFactory(teams=[team], username="lead")
    set_team_lead(actor=admin_user, profile=user.agent_profile, team=team)
    return user


@pytest.fixture
def other_lead(other_team, admin_user):
    user = factories.AgentFactory(teams=[other_team], username="otherlead")
    set_team_lead(actor=admin_user, profile=user.agent_profile, team=other_team)
    return user


@pytest.fixture
def owned(ticket, agent):
    return ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)


def new(amount: str = "10.00", currency: str = "EUR", **overrides) -> NewResolution:
    values = {
        "what_went_wrong": "product_defect",
        "why_eligible": "warranty",
        "type": "refund",
        "amount": Decimal(amount),
        "currency": currency,
    }
    return NewResolution(**{**values, **overrides})


def resolve(ticket, agent, amount: str = "10.00", **overrides):
    return create_resolution(actor=agent, ticket_id=ticket.pk, data=new(amount, **overrides))
