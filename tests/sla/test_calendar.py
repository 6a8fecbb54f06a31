"""sla.calendar: business-time arithmetic across weekends, holidays, DST and year ends."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sla.calendar import (
    TWENTY_FOUR_SEVEN,
    Calendar,
    CalendarError,
    add_business_minutes,
    business_minutes_between,
    is_working_time,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
NINE_TO_FIVE = {day: ((9 * 60, 17 * 60),) for day in range(5)}

london_office = Calendar(
    timezone="Europe/London",
    hours=NINE_TO_FIVE,
    holiday_country="GB",
    holiday_subdivision="ENG",
)
new_york_office = Calendar(timezone="America/New_York", hours=NINE_TO_FIVE, holiday_country="US")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


@pytest.mark.parametrize(
    ("case", "start", "minutes", "expected"),
    [
        (
            "within one day",
            local(LONDON, 2026, 3, 3, 10, 0),  # Tuesday
            90,
            local(LONDON, 2026, 3, 3, 11, 30),
        ),
        (
            "before opening starts at opening",
            local(LONDON, 2026, 3, 3, 7, 0),
            30,
            local(LONDON, 2026, 3, 3, 9, 30),
        ),
        (
            "weekend and the spring DST change (GMT -> BST on Sunday 29 March)",
            local(LONDON, 2026, 3, 27, 16, 0),  # Friday, GMT
            120,
            local(LONDON, 2026, 3, 30, 10, 0),  # Monday, BST: 09:00 UTC
        ),
        (
            "weekend and the autumn DST change (BST -> GMT on Sunday 25 October)",
            local(LONDON, 2026, 10, 23, 16, 30),  # Friday, BST
            60,
            local(LONDON, 2026, 10, 26, 9, 30),  # Monday, GMT
        ),
        (
            "Easter: Good Friday and Easter Monday are holidays",
            local(LONDON, 2026, 4, 2, 16, 0),  # Thursday
            120,
            local(LONDON, 2026, 4, 7, 10, 0),  # Tuesday
        ),
        (
            "New Year: 1 January 2027 is a Friday and a holiday",
            local(LONDON, 2026, 12, 31, 16, 0),  # Thursday
            120,
            local(LONDON, 2027, 1, 4, 10, 0),  # Monday
        ),
        (
            "Christmas: 25th, weekend, and Boxing Day observed on Monday 28th",
            local(LONDON, 2026, 12, 24, 16, 0),
            120,
            local(LONDON, 2026, 12, 29, 10, 0),
        ),
        (
            "exactly a full day ends at closing, not the next opening",
            local(LONDON, 2026, 3, 3, 9, 0),
            480,
            local(LONDON, 2026, 3, 3, 17, 0),
        ),
    ],
)
def test_add_business_minutes_london(case, start, minutes, expected):
    due = add_business_minutes(london_office, start, minutes)

    assert due == expected, case
    assert due.tzinfo == UTC
    assert business_minutes_between(london_office, start, due) == pytest.approx(minutes)


def test_new_york_spring_forward_weekend():
    # Friday 6 March 2026 16:00 EST (21:00 UTC); clocks go forward on Sunday 8 March.
    start = local(NEW_YORK, 2026, 3, 6, 16, 0)

    due = add_business_minutes(new_york_office, start, 120)

    assert due == local(NEW_YORK, 2026, 3, 9, 10, 0)
    assert due == utc(2026, 3, 9, 14, 0)  # EDT is UTC-4


def test_the_same_instant_means_different_business_time_in_different_zones():
    instant = utc(2026, 3, 3, 16, 0)  # 16:00 London, 11:00 New York

    assert is_working_time(london_office, instant)
    assert is_working_time(new_york_office, instant)
    assert not is_working_time(new_york_office, utc(2026, 3, 3, 13, 0))  # 08:00 New York
    assert add_business_minutes(london_office, instant, 120) == utc(2026, 3, 4, 10, 0)
    assert add_business_minutes(new_york_office, instant, 120) == utc(2026, 3, 3, 18, 0)


def test_twenty_four_seven_counts_every_real_minute_across_dst():
    start = local(LONDON, 2026, 3, 28, 12, 0)  # Saturday before the change, GMT

    due = add_business_minutes(TWENTY_FOUR_SEVEN, start, 24 * 60)

    assert due == utc(2026, 3, 29, 12, 0)  # 24 real hours later
    assert due.astimezone(LONDON).hour == 13  # the wall clock moved an hour
    assert business_minutes_between(TWENTY_FOUR_SEVEN, start, due) == 24 * 60


def test_a_whole_day_window_lasts_23_or_25_hours_on_dst_days():
    all_day = Calendar(timezone="Europe/Berlin", hours={d: ((0, 1440),) for d in range(7)})
    berlin = ZoneInfo("Europe/Berlin")

    spring = business_minutes_between(
        all_day, local(berlin, 2026, 3, 29, 0, 0), local(berlin, 2026, 3, 30, 0, 0)
    )
    autumn = business_minutes_between(
        all_day, local(berlin, 2026, 10, 25, 0, 0), local(berlin, 2026, 10, 26, 0, 0)
    )

    assert spring == 23 * 60
    assert autumn == 25 * 60


def test_custom_closed_dates_are_skipped():
    office = Calendar(
        timezone="UTC", hours=NINE_TO_FIVE, closed_dates=frozenset({date(2026, 3, 4)})
    )

    due = add_business_minutes(office, utc(2026, 3, 3, 16, 0), 120)

    assert due == utc(2026, 3, 5, 10, 0)
    assert business_minutes_between(office, utc(2026, 3, 3, 0, 0), utc(2026, 3, 6, 0, 0)) == 960


def test_between_is_zero_for_empty_or_reversed_ranges():
    start = utc(2026, 3, 3, 10, 0)

    assert business_minutes_between(london_office, start, start) == 0
    assert business_minutes_between(london_office, start, start - timedelta(hours=1)) == 0
    assert add_business_minutes(london_office, start, 0) == start


def test_weekend_has_no_business_minutes():
    saturday, monday = local(LONDON, 2026, 3, 7, 0, 0), local(LONDON, 2026, 3, 9, 0, 0)

    assert business_minutes_between(london_office, saturday, monday) == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hours": {}}, "at least one weekday"),
        ({"hours": {7: ((0, 60),)}}, "Weekday 7"),
        ({"hours": {0: ((600, 540),)}}, "within one day"),
        ({"timezone": "Mars/Olympus", "always_open": True}, "Unknown time zone"),
        ({"hours": NINE_TO_FIVE, "holiday_country": "XX"}, "XX"),
    ],
)
def test_invalid_calendars_are_refused(kwargs, message):
    with pytest.raises(CalendarError, match=message):
        Calendar(**kwargs)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_minutes(london_office, datetime(2026, 3, 3, 10, 0), 10)
