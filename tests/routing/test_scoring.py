"""The seven scorers at their edges, and the weighted sum. Pure: no database."""

from datetime import UTC, datetime

import pytest

from routing import scoring
from tests.routing.factories import (
    DEFAULT_WEIGHTS,
    WEDNESDAY_10_UTC,
    config,
    team_snapshot,
    ticket_snapshot,
)

CFG = config()


@pytest.mark.parametrize(
    ("load", "max_bandwidth", "expected"),
    [(0, 20, 1.0), (5, 20, 0.75), (20, 20, 0.0), (35, 20, 0.0), (0, 0, 0.0)],
)
def test_availability_is_free_share_and_zero_when_full(load, max_bandwidth, expected):
    team = team_snapshot(load=load, max_bandwidth=max_bandwidth)
    assert scoring.availability(team, ticket_snapshot(), CFG) == pytest.approx(expected)


def test_ticket_size_is_priority_load_times_impact_factor():
    assert scoring.ticket_size(ticket_snapshot(priority="critical", impact="1"), CFG) == 4.5
    assert scoring.ticket_size(ticket_snapshot(priority="low", impact=""), CFG) == 0.5
    assert scoring.ticket_size(ticket_snapshot(priority="medium", impact="x"), CFG) == 1.0


@pytest.mark.parametrize(
    ("load", "agents", "priority", "expected"),
    [
        (0, 3, "medium", 1.0),  # 20 free >= 4 x size 1, full depth
        (16, 3, "medium", 1.0),  # headroom 4 = 4 x size
        (18, 3, "medium", 0.5),  # headroom 2 -> 2 / 4
        (19.5, 3, "medium", 0.0),  # headroom 0.5 < size 1: cannot absorb
        (0, 0, "medium", 0.5),  # nobody available: half at most
        (14, 3, "critical", 0.5),  # headroom 6, size 3 -> 6 / 12
    ],
)
def test_bandwidth(load, agents, priority, expected):
    team = team_snapshot(load=load, available_agents=agents)
    ticket = ticket_snapshot(priority=priority)
    assert scoring.bandwidth(team, ticket, CFG) == pytest.approx(expected)


def test_velocity_uses_baseline_until_enough_samples_then_measured():
    ticket = ticket_snapshot(priority="medium")  # target 24 h
    baseline = team_snapshot(
        avg_resolution_time_hours=24, measured_count=3, measured_resolution_hours=0.0
    )
    assert scoring.velocity(baseline, ticket, CFG) == pytest.approx(0.5)
    measured = team_snapshot(
        avg_resolution_time_hours=24, measured_count=10, measured_resolution_hours=72.0
    )
    assert scoring.velocity(measured, ticket, CFG) == pytest.approx(24 / 96)
    instant = team_snapshot(avg_resolution_time_hours=0)
    assert scoring.velocity(instant, ticket, CFG) == 1.0


def test_performance_blends_compliance_and_quality():
    ticket = ticket_snapshot()
    assert scoring.performance(
        team_snapshot(sla_compliance_rate=1, quality_score=1), ticket, CFG
    ) == pytest.approx(1.0)
    assert scoring.performance(
        team_snapshot(sla_compliance_rate=0, quality_score=0), ticket, CFG
    ) == pytest.approx(0.0)
    measured = team_snapshot(
        sla_compliance_rate=1, quality_score=0.5, measured_count=50, measured_compliance=0.5
    )
    assert scoring.performance(measured, ticket, CFG) == pytest.approx(0.6 * 0.5 + 0.4 * 0.5)


def test_proximity_same_place_antipode_and_unknown():
    london = ticket_snapshot(latitude=51.5, longitude=-0.12)
    assert scoring.proximity(team_snapshot(), london, CFG) == pytest.approx(1.0)
    antipode = team_snapshot(latitude=-51.5, longitude=179.88)
    assert scoring.proximity(antipode, london, CFG) == pytest.approx(0.0, abs=1e-6)
    unknown = ticket_snapshot(latitude=None, longitude=None)
    assert scoring.proximity(team_snapshot(), unknown, CFG) == 0.5


def test_great_circle_new_york_to_london():
    assert scoring.great_circle_km(40.7128, -74.006, 51.5074, -0.1278) == pytest.approx(
        5570, rel=0.01
    )


def test_cultural_fit_counts_required_competencies():
    vip_critical_de = ticket_snapshot(
        tier="vip", priority="critical", language="de-AT", timezone="Europe/Vienna"
    )
    assert scoring.required_competencies(vip_critical_de) == {"de", "emea", "24x7", "vip"}
    team = team_snapshot(cultural_competencies=("DE", "emea"))
    assert scoring.cultural_fit(team, vip_critical_de, CFG) == 0.5
    nothing_needed = ticket_snapshot(timezone="UTC")
    assert scoring.cultural_fit(team_snapshot(), nothing_needed, CFG) == 1.0


def test_timezone_fit_open_hours_and_offset_distance():
    ticket = ticket_snapshot(timezone="Europe/London")
    london = team_snapshot(timezone="Europe/London")
    assert scoring.timezone_fit(london, ticket, CFG, WEDNESDAY_10_UTC) == 1.0
    saturday = datetime(2026, 3, 14, 10, 0, tzinfo=UTC)
    assert scoring.timezone_fit(london, ticket, CFG, saturday) == 0.5
    # Auckland is UTC+13 in March: 11 h the short way round; 23:00 there, closed.
    auckland = team_snapshot(timezone="Pacific/Auckland")
    assert scoring.timezone_fit(auckland, ticket, CFG, WEDNESDAY_10_UTC) == pytest.approx(
        0.5 * (1 - 11 / 12)
    )
    round_the_clock = team_snapshot(timezone="Pacific/Auckland", cultural_competencies=("24x7",))
    assert scoring.timezone_fit(round_the_clock, ticket, CFG, WEDNESDAY_10_UTC) == pytest.approx(
        0.5 + 0.5 * (1 - 11 / 12)
    )


def test_unknown_zone_counts_as_utc():
    team = team_snapshot(timezone="Mars/Olympus")
    ticket = ticket_snapshot(timezone="UTC")
    assert scoring.timezone_fit(team, ticket, CFG, WEDNESDAY_10_UTC) == 1.0


def test_every_scorer_stays_in_unit_interval_on_extremes():
    teams = [
        team_snapshot(
            load=1e6,
            max_bandwidth=1,
            available_agents=0,
            avg_resolution_time_hours=1e6,
            sla_compliance_rate=0,
            quality_score=0,
        ),
        team_snapshot(
            load=-5,
            max_bandwidth=10**6,
            available_agents=10**4,
            avg_resolution_time_hours=0,
            sla_compliance_rate=1,
            quality_score=1,
        ),
    ]
    for team in teams:
        for value in scoring.score_team(team, ticket_snapshot(), CFG, WEDNESDAY_10_UTC).values():
            assert 0.0 <= value <= 1.0


def test_composite_is_the_weighted_sum():
    scores = {
        "availability": 0.85,
        "bandwidth": 0.9,
        "velocity": 0.88,
        "performance": 0.92,
        "proximity": 0.78,
        "cultural_fit": 0.95,
        "timezone": 0.88,
    }
    expected = (
        0.25 * 0.85
        + 0.15 * 0.9
        + 0.20 * 0.88
        + 0.20 * 0.92
        + 0.10 * 0.78
        + 0.05 * 0.95
        + 0.05 * 0.88
    )
    assert scoring.composite(scores, DEFAULT_WEIGHTS) == pytest.approx(expected)
    only_availability = {name: 0.0 for name in DEFAULT_WEIGHTS} | {"availability_weight": 1.0}
    assert scoring.composite(scores, only_availability) == pytest.approx(0.85)
