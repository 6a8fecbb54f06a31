"""The pure policy: defaults, quiet windows across time zones and DST, digest periods."""

from datetime import UTC, datetime, time, timedelta

import pytest

from notifications import policy
from notifications.policy import Plan, Quiet


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("event", "channels"),
    [
        ("assigned", {"email", "in_app"}),
        ("envelope", {"email", "in_app"}),
        ("sla_warning", {"email", "in_app"}),
        ("sla_breach", {"email", "in_app"}),
        ("reminder", {"email", "in_app"}),
        ("mention", {"email", "in_app"}),
        ("alert", {"email", "in_app"}),
        ("reply", {"in_app"}),
    ],
)
def test_defaults_per_event(event, channels):
    plan = policy.plan_for(event, None)
    assert plan.channels == channels
    assert plan.timing == policy.IMMEDIATE


def test_an_own_preference_wins_over_the_default():
    own = Plan(frozenset({"slack"}), policy.DAILY)
    assert policy.plan_for("assigned", own) is own


NIGHT = Quiet(time(22), time(7))


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        # 23:30 in Tokyo (14:30 UTC): quiet until 07:00 Tokyo = 22:00 UTC.
        (utc(2026, 3, 10, 14, 30), "Asia/Tokyo", utc(2026, 3, 10, 22, 0)),
        # 02:00 in New York (06:00 UTC; EDT, -4, since 8 March): until 07:00 EDT = 11:00 UTC.
        (utc(2026, 3, 10, 6, 0), "America/New_York", utc(2026, 3, 10, 11, 0)),
        # 12:00 in London: not quiet.
        (utc(2026, 3, 10, 12, 0), "Europe/London", None),
        # 22:00 sharp is inside, 07:00 sharp is outside.
        (utc(2026, 1, 10, 22, 0), "UTC", utc(2026, 1, 11, 7, 0)),
        (utc(2026, 1, 10, 7, 0), "UTC", None),
    ],
)
def test_quiet_until_across_time_zones(now, tz, expected):
    assert policy.quiet_until(now, tz, NIGHT) == expected


def test_quiet_window_inside_one_day():
    lunch = Quiet(time(12), time(13))
    assert policy.quiet_until(utc(2026, 5, 1, 12, 30), "UTC", lunch) == utc(2026, 5, 1, 13)
    assert policy.quiet_until(utc(2026, 5, 1, 13, 30), "UTC", lunch) is None


def test_quiet_end_across_a_dst_change():
    # Night of 28/29 March 2026 in Berlin: clocks go 02:00 -> 03:00 (CET +1 -> CEST +2).
    # 23:00 CET on the 28th = 22:00 UTC; 07:00 CEST on the 29th = 05:00 UTC.
    assert policy.quiet_until(utc(2026, 3, 28, 22), "Europe/Berlin", NIGHT) == utc(2026, 3, 29, 5)


def test_no_quiet_hours_means_no_wait():
    assert policy.quiet_until(utc(2026, 1, 1, 3), "UTC", None) is None


def test_hourly_digest_is_due_at_the_next_local_hour():
    assert policy.digest_due(utc(2026, 1, 1, 9, 15), "hourly", "UTC") == utc(2026, 1, 1, 10)
    # India is +05:30: its hours turn at :30 UTC.
    assert policy.digest_due(utc(2026, 1, 1, 9, 15), "hourly", "Asia/Kolkata") == utc(
        2026, 1, 1, 9, 30
    )


def test_daily_digest_is_due_at_eight_local():
    # 09:00 in Tokyo has passed 08:00: next day's 08:00 Tokyo = 23:00 UTC today.
    assert policy.digest_due(utc(2026, 1, 1, 0), "daily", "Asia/Tokyo") == utc(2026, 1, 1, 23)
    # 06:00 in New York (EST -5): 08:00 today = 13:00 UTC.
    assert policy.digest_due(utc(2026, 1, 1, 11), "daily", "America/New_York") == utc(
        2026, 1, 1, 13
    )


def test_immediate_email_waits_for_quiet_hours_unless_bypassed():
    now = utc(2026, 1, 1, 23)
    held = policy.email_send_at(
        now=now, timing="immediate", tz_name="UTC", quiet=NIGHT, bypass_quiet=False
    )
    assert held == utc(2026, 1, 2, 7)
    assert (
        policy.email_send_at(
            now=now, timing="immediate", tz_name="UTC", quiet=NIGHT, bypass_quiet=True
        )
        == now
    )


def test_a_digest_due_inside_quiet_hours_waits_for_their_end():
    at = policy.email_send_at(
        now=utc(2026, 1, 1, 21, 30), timing="hourly", tz_name="UTC", quiet=NIGHT, bypass_quiet=True
    )
    assert at == utc(2026, 1, 2, 7)


def test_backoff_doubles_up_to_an_hour():
    assert [policy.backoff(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
    ]
    assert policy.backoff(20) == timedelta(hours=1)
