"""sla.recurrence: next occurrences of daily / weekly / monthly reminders."""

from datetime import UTC, datetime

from sla.recurrence import next_occurrence


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_daily_keeps_local_wall_time_across_dst():
    first = utc(2026, 3, 27, 9, 0)  # 09:00 GMT in London

    after = next_occurrence(
        first=first,
        frequency="daily",
        interval=1,
        after=utc(2026, 3, 29, 12),
        until=None,
        tz="Europe/London",
    )

    assert after == utc(2026, 3, 30, 8, 0)  # 09:00 BST


def test_weekly_with_interval_and_end():
    first = utc(2026, 1, 5, 10)
    kwargs = {"first": first, "frequency": "weekly", "interval": 2, "until": utc(2026, 2, 1)}

    assert next_occurrence(after=first, **kwargs) == utc(2026, 1, 19, 10)
    assert next_occurrence(after=utc(2026, 1, 20), **kwargs) is None  # Feb 2 is past the end


def test_monthly_clamps_to_the_last_day_and_comes_back():
    first = utc(2026, 1, 31, 9)
    kwargs = {"first": first, "frequency": "monthly", "interval": 1, "until": None}

    assert next_occurrence(after=first, **kwargs) == utc(2026, 2, 28, 9)
    assert next_occurrence(after=utc(2026, 2, 28, 9), **kwargs) == utc(2026, 3, 31, 9)
    assert next_occurrence(after=utc(2026, 12, 31, 10), **kwargs) == utc(2027, 1, 31, 9)


def test_a_long_running_series_jumps_ahead():
    first = utc(2020, 1, 1, 8)

    after = next_occurrence(
        first=first, frequency="daily", interval=1, after=utc(2026, 6, 15, 9), until=None
    )

    assert after == utc(2026, 6, 16, 8)


def test_one_off_has_no_next():
    first = utc(2026, 1, 1)
    assert (
        next_occurrence(first=first, frequency="none", interval=1, after=first, until=None) is None
    )
