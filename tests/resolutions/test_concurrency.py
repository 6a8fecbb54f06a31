"""Real threads and committed transactions (see tests/tickets/test_concurrency.py): deciding
one approval at once, and generating one week at once."""

from collections import Counter
from decimal import Decimal

import pytest

from resolutions.actions import approvals
from resolutions.actions.calibration import generate_queue
from resolutions.actions.config import save_config
from resolutions.models import ApprovalRequest, CalibrationItem, Resolution
from tests import factories
from tests.resolutions.conftest import resolve
from tests.resolutions.test_calibration import WEEK, in_week
from tests.tickets.test_concurrency import run_together
from tickets.actions import ownership

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 4


@pytest.fixture
def setup():
    team = factories.TeamFactory(slug="network")
    agent = factories.AgentFactory(teams=[team])
    managers = [factories.ManagerFactory() for _ in range(THREADS)]
    save_config(
        actor=None, team=team, tier1_limit=Decimal(50), tier2_limit=Decimal(200), currency="EUR"
    )
    ticket = factories.TicketFactory(team=team)
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    return ticket, agent, managers


def test_one_approval_decided_at_once_has_one_winner(setup):
    ticket, agent, managers = setup
    approval = resolve(ticket, agent, "100").approval

    def decide(i):
        action = approvals.approve if i % 2 else approvals.reject
        return action(actor=managers[i], approval_id=approval.pk, reason="r")

    outcomes = Counter(type(r).__name__ for r in run_together(decide, THREADS))
    assert outcomes == {"ApprovalRequest": 1, "InvalidTransition": THREADS - 1}
    decided = ApprovalRequest.objects.get()
    assert Resolution.objects.get().status == decided.status


def test_one_week_generated_at_once_is_generated_once(setup):
    ticket, agent, managers = setup
    for _ in range(6):
        in_week(resolve(ticket, agent, "10"))
    run_together(lambda i: generate_queue(actor=managers[i], week=WEEK, sample_size=3), THREADS)
    assert CalibrationItem.objects.count() == 3
