"""Factories and helpers for the routing tests (the shared ones are in tests.factories)."""

from datetime import UTC, datetime

import factory

from routing.models import RoutingRule, ScoringWeights
from routing.snapshots import RoutingConfig, TeamSnapshot, TicketSnapshot
from tests.factories import TeamFactory, TicketFactory

# A Wednesday, 10:00 UTC: business hours in London.
WEDNESDAY_10_UTC = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)

DEFAULT_WEIGHTS = {
    "availability_weight": 0.25,
    "bandwidth_weight": 0.15,
    "velocity_weight": 0.20,
    "performance_weight": 0.20,
    "proximity_weight": 0.10,
    "cultural_fit_weight": 0.05,
    "timezone_weight": 0.05,
}


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingRule

    name = factory.Sequence(lambda n: f"rule-{n}")
    order = factory.Sequence(lambda n: n * 10)
    event = "ticket.created"
    conditions = factory.LazyFunction(list)
    actions = factory.LazyFunction(lambda: [{"type": "assign", "to": "team:network"}])


class ScoringWeightsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoringWeights

    category = factory.Sequence(lambda n: f"category-{n}")


def default_weights(**values) -> ScoringWeights:
    """Change the default row (created by the routing migrations)."""
    row, _ = ScoringWeights.objects.get_or_create(category="")
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    return row


def unrouted_ticket(**kwargs):
    """A ticket saved without a team (the factory's default SubFactory is overridden)."""
    return TicketFactory(team=None, **kwargs)


def team_snapshot(**overrides) -> TeamSnapshot:
    values = {
        "team_id": "t-1",
        "slug": "network",
        "name": "Network",
        "capabilities": ("network",),
        "max_bandwidth": 20,
        "load": 0.0,
        "available_agents": 3,
        "latitude": 51.5,
        "longitude": -0.12,
        "timezone": "Europe/London",
    }
    return TeamSnapshot(**(values | overrides))


def ticket_snapshot(**overrides) -> TicketSnapshot:
    values = {
        "ticket_id": "k-1",
        "title": "VPN drops",
        "category": "network",
        "priority": "medium",
        "latitude": 51.5,
        "longitude": -0.12,
        "timezone": "Europe/London",
        "created_at": WEDNESDAY_10_UTC,
    }
    return TicketSnapshot(**(values | overrides))


def config(**overrides) -> RoutingConfig:
    return RoutingConfig(**({"weights": dict(DEFAULT_WEIGHTS)} | overrides))


__all__ = ["TeamFactory", "TicketFactory"]
