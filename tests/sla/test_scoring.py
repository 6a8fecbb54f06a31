"""Priority score: base x tier x escalation x SLA pressure (SLA factor x staleness), one
formula (tickets.priority) fed by the SLA app's pressure (sla.scoring); the queue sorts by it."""

import pytest

from sla.scoring import pressure
from tickets.priority import priority_score


def score(priority="medium", tier="standard", status="in_progress", sla=1.0, stale=1.0):
    return priority_score(
        priority=priority,
        tier=tier,
        status=status,
        pressure=pressure(sla_factor=sla, staleness_factor=stale),
    )


def test_the_formula():
    assert score("critical") == 100
    assert score("low") == 10
    assert score("high", tier="vip", status="escalated", sla=3.0, stale=1.4) == pytest.approx(
        70 * 1.5 * 1.3 * 3.0 * 1.4
    )


def test_ordering():
    ranked = [
        score("medium", sla=3.0),  # breached medium: 120
        score("critical"),  # fresh critical: 100
        score("high", sla=1.5),  # high past half-time: 105
        score("medium", status="escalated"),  # 52
        score("medium", stale=1.4),  # 56
        score("medium"),  # 40
        score("low", sla=3.0),  # 30
    ]
    assert sorted(ranked, reverse=True) == [120, 105, 100, 56, 52, 40, 30]
    assert score("high", sla=1.5) > score("critical")  # a high near its deadline goes first
    assert score("medium", tier="vip") > score("medium", tier="premium") > score("medium")
