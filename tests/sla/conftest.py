from datetime import UTC, datetime

import pytest
import time_machine

from tests.sla.factories import PolicyFactory
from tickets.actions import creation

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 09:00 UTC (GMT in London)


@pytest.fixture
def clock():
    """Time frozen at T0; ``clock.shift(minutes)`` moves it on."""
    with time_machine.travel(T0, tick=False) as traveller:

        class Clock:
            def shift(self, minutes: float) -> None:
                traveller.shift(minutes * 60)

            def move_to(self, instant: datetime) -> None:
                traveller.move_to(instant)

        yield Clock()


@pytest.fixture
def policy(db):
    """24x7, 60 min first response, 240 min resolution, warning at 75%; matches the medium
    network incidents that ``open_ticket`` opens (more specific than any seeded policy)."""
    return PolicyFactory(
        name="Network incidents",
        priority="medium",
        type="incident",
        category="network",
        first_response_minutes=60,
        resolution_minutes=240,
        warning_percent=75,
    )


@pytest.fixture
def open_ticket(manager, team):
    def open_(**overrides):
        data = {
            "title": "VPN is down",
            "requester_email": "customer@example.com",
            "category": "network",
            "priority": "medium",
            "team": team,
            **overrides,
        }
        return creation.create_ticket(actor=manager, data=creation.NewTicket(**data))

    return open_
