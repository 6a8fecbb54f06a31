"""The tier comes from the amount and the owner's team's limits: exactly at a limit is the
lower tier, one cent over the next; an unapproved resolution does not count."""

from decimal import Decimal

import pytest

from core.exceptions import DomainValidationError, NotPermitted
from core.models import AuditLog
from resolutions.models import ApprovalRequest, Resolution
from resolutions.periods import Week
from resolutions.report import build
from tests import factories
from tests.resolutions.conftest import resolve

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "tier", "status"),
    [
        ("0.00", "agent", "approved"),
        ("50.00", "agent", "approved"),
        ("50.01", "team_lead", "pending_approval"),
        ("200.00", "team_lead", "pending_approval"),
        ("200.01", "manager", "pending_approval"),
    ],
)
def test_each_tier_boundary(owned, agent, config, amount, tier, status):
    resolution = resolve(owned, agent, amount)
    assert (resolution.tier, resolution.status) == (tier, status)
    assert resolution.amount == Decimal(amount)
    assert ApprovalRequest.objects.filter(resolution=resolution).exists() == (tier != "agent")


def test_tier1_is_decided_at_once_and_audited(owned, agent, config):
    resolution = resolve(owned, agent, "12.5")
    assert resolution.decided_at is not None
    assert AuditLog.objects.filter(
        action="resolutions.resolution_created", ticket_id=owned.pk
    ).exists()
    assert owned.timeline.filter(content__contains="Resolution recorded").exists()


def test_without_a_configuration_only_a_free_resolution_is_the_agents(owned, agent):
    assert resolve(owned, agent, "0", type="apology").tier == "agent"
    assert resolve(owned, agent, "0.01").tier == "manager"


def test_the_currency_must_be_the_teams(owned, agent, config):
    with pytest.raises(DomainValidationError) as error:
        resolve(owned, agent, "10", currency="USD")
    assert "EUR" in error.value.errors["currency"][0]
    assert not Resolution.objects.exists()


def test_blank_currency_is_the_teams(owned, agent, config):
    assert resolve(owned, agent, "10", currency="").currency == "EUR"


@pytest.mark.parametrize(
    ("amount", "currency", "field"),
    [
        ("-1", "EUR", "amount"),
        ("1.001", "EUR", "amount"),
        ("NaN", "EUR", "amount"),
        ("1e20", "EUR", "amount"),
        ("1", "ZZZ", "currency"),
        ("1", "XXX", "currency"),
    ],
)
def test_bad_money_is_refused_with_a_field_message(owned, agent, amount, currency, field):
    with pytest.raises(DomainValidationError) as error:
        resolve(owned, agent, amount, currency=currency)
    assert field in error.value.errors
    assert not Resolution.objects.exists()


def test_other_needs_words(owned, agent, config):
    with pytest.raises(DomainValidationError) as error:
        resolve(owned, agent, "1", what_went_wrong="other", why_eligible="other")
    assert set(error.value.errors) == {"what_went_wrong_text", "why_eligible_text"}


def test_only_the_owner_or_a_manager_records(owned, config, team, manager):
    colleague = factories.AgentFactory(teams=[team])
    with pytest.raises(NotPermitted):
        resolve(owned, colleague, "1")
    assert resolve(owned, manager, "1").agent == manager


def test_an_unowned_ticket_has_no_resolution_yet(ticket, agent, config):
    with pytest.raises(DomainValidationError):
        resolve(ticket, agent, "1")


def test_a_pending_resolution_does_not_count_and_blocks_nothing(owned, agent, config):
    resolve(owned, agent, "150.00")  # tier 2, pending
    resolve(owned, agent, "20.00")  # tier 1, still possible
    totals = build(Week.of(owned.created_at))["compensation"]["total"]
    assert totals == [{"currency": "EUR", "amount": "20.00", "count": 1}]
