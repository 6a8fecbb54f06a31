"""sla.clocks: pause/resume replay, crossings, states and next checks (pure)."""

from datetime import UTC, datetime, timedelta

import pytest

from sla.calendar import TWENTY_FOUR_SEVEN, Calendar
from sla.clocks import (
    ClockFacts,
    Interval,
    Milestones,
    State,
    evaluate,
    instant_after,
    milestones,
    running_minutes,
    warning_minutes,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
office = Calendar(timezone="UTC", hours={d: ((9 * 60, 17 * 60),) for d in range(5)})


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_pauses_push_the_due_time_by_their_length():
    pauses = [Interval(at(30), at(90)), Interval(at(120), at(130))]

    due = instant_after(TWENTY_FOUR_SEVEN, T0, pauses, 240)

    assert due == at(240 + 60 + 10)
    assert running_minutes(TWENTY_FOUR_SEVEN, T0, pauses, at(310)) == 240


def test_a_target_reached_before_a_pause_is_not_moved_by_it():
    assert instant_after(TWENTY_FOUR_SEVEN, T0, [Interval(at(100), at(200))], 60) == at(60)


def test_an_open_pause_leaves_later_instants_unknown():
    pauses = [Interval(at(30), None)]

    assert instant_after(TWENTY_FOUR_SEVEN, T0, pauses, 20) == at(20)
    assert instant_after(TWENTY_FOUR_SEVEN, T0, pauses, 60) is None
    assert running_minutes(TWENTY_FOUR_SEVEN, T0, pauses, at(500)) == 30


def test_pause_arithmetic_uses_business_time():
    # Paused 16:00-next day 10:00: only 1 + 1 business hours were paused.
    pauses = [Interval(at(7 * 60), at(25 * 60))]

    due = instant_after(office, T0, pauses, 8 * 60)

    # 7 h on Monday (9-16), 1 h on Tuesday after resuming at 10:00 -> 11:00 Tuesday.
    assert due == datetime(2026, 3, 3, 11, 0, tzinfo=UTC)


def test_warning_from_percent_or_lead_time():
    assert warning_minutes(240, percent=75, lead=None) == 180
    assert warning_minutes(240, percent=75, lead=30) == 210  # the lead time wins
    assert warning_minutes(20, percent=None, lead=30) == 0


def facts(**overrides) -> ClockFacts:
    stones = milestones(TWENTY_FOUR_SEVEN, T0, [], target=60, warn_after=45)
    resolution = milestones(TWENTY_FOUR_SEVEN, T0, [], target=240, warn_after=180)
    base = {"first_response": stones, "resolution": resolution, "last_activity_at": T0}
    return ClockFacts(**{**base, **overrides})


@pytest.mark.parametrize(
    ("minutes", "state", "kinds", "factor"),
    [
        (10, State.OK, set(), 1.0),
        (30, State.OK, set(), 1.5),  # past half-time
        (45, State.WARNING, {"first_response_warning"}, 2.0),
        (60, State.BREACHED, {"first_response_warning", "first_response_breach"}, 3.0),
    ],
)
def test_crossings_and_states_over_time(minutes, state, kinds, factor):
    outcome = evaluate(facts(), at(minutes))

    assert outcome.state == state
    assert {c.kind for c in outcome.crossings} == kinds
    assert outcome.sla_factor == factor


def test_recorded_crossings_are_not_reported_again():
    outcome = evaluate(facts(crossed=frozenset({"first_response_warning"})), at(50))

    assert outcome.crossings == ()
    assert outcome.state == State.WARNING


def test_next_check_is_the_next_milestone_or_staleness_step():
    assert evaluate(facts(), at(1)).next_check_at == at(30)
    assert evaluate(facts(), at(30)).next_check_at == at(45)
    met = facts(first_response_met_at=at(20))
    assert evaluate(met, at(20)).next_check_at == at(120)  # resolution half-time
    assert evaluate(facts(resolution_met_at=at(50)), at(50)).next_check_at is None


def test_a_first_response_met_in_time_ends_its_warnings():
    outcome = evaluate(facts(first_response_met_at=at(40)), at(50))

    assert outcome.crossings == ()
    assert outcome.state == State.OK


def test_a_target_met_late_is_a_breach_even_if_no_scan_saw_it():
    outcome = evaluate(facts(first_response_met_at=at(70)), at(70))

    assert [c.kind for c in outcome.crossings] == ["first_response_breach"]
    assert outcome.state == State.BREACHED
    assert outcome.breached_at == at(60)


def test_paused_clock_states():
    paused = facts(
        paused=True,
        first_response=Milestones(half_at=at(30), warn_at=None, due_at=None),
        resolution=Milestones(half_at=None, warn_at=None, due_at=None),
    )
    assert evaluate(paused, at(500)).state == State.PAUSED
    # A breach that happened before the pause sticks.
    assert evaluate(facts(paused=True, breached_at=at(60)), at(90)).state == State.BREACHED


def test_met_when_resolved_in_time_breached_when_late():
    in_time = facts(first_response_met_at=at(20), resolution_met_at=at(200))
    late = facts(first_response_met_at=at(20), resolution_met_at=at(300))

    assert evaluate(in_time, at(1000)).state == State.MET
    assert evaluate(late, at(1000)).state == State.BREACHED


def test_staleness_factor_grows_with_idle_time():
    quiet = facts(first_response_met_at=at(5), resolution=Milestones())

    assert evaluate(quiet, at(60)).staleness_factor == 1.0
    assert evaluate(quiet, at(8 * 60)).staleness_factor == 1.1
    assert evaluate(quiet, at(24 * 60)).staleness_factor == 1.2
    assert evaluate(quiet, at(72 * 60)).staleness_factor == 1.4
