"""The API's sliding-window throttle (core.api.throttling): counts per window, the window before
weighed by how much of it the sliding window still covers, constant work whatever the rate."""

import pytest
from django.core.cache import cache

from core.api import throttling
from core.api.throttling import WindowRateThrottle


class Clock:
    now = 6_000.0  # the start of a window of 60 s


class Fixed(WindowRateThrottle):
    scope = "test-window"
    THROTTLE_RATES = {"test-window": "10/min"}
    timer = staticmethod(lambda: Clock.now)

    def get_cache_key(self, request, view) -> str:
        return "throttle_test_window_caller"


@pytest.fixture(autouse=True)
def clean():
    cache.delete_many([f"throttle_test_window_caller:{n}" for n in range(95, 110)])
    Clock.now = 6_000.0


def calls(count: int, at: float | None = None) -> list[bool]:
    if at is not None:
        Clock.now = at
    return [Fixed().allow_request(None, None) for _ in range(count)]


def test_the_rate_holds_within_a_window_and_the_window_before_fades_as_it_slides():
    assert calls(11, at=6_000.0) == [True] * 10 + [False]
    # The next window's start: the last one still counts whole.
    assert calls(1, at=6_060.0) == [False]
    # Half-way through it, the window before counts for half: five more.
    assert calls(6, at=6_090.0) == [True] * 5 + [False]
    # Three quarters into the window after: a quarter of the last window's five still weighs.
    assert calls(10, at=6_165.0) == [True] * 9 + [False]


def test_retry_after_is_when_the_estimate_falls_below_the_rate():
    calls(10, at=6_000.0)
    throttle = Fixed()
    Clock.now = 6_030.0
    assert throttle.allow_request(None, None) is False
    # All ten are in this window: when it ends they start to fade, 30 s from now.
    assert throttle.wait() == pytest.approx(30, abs=0.01)
    assert calls(1, at=6_059.5) == [False]
    assert calls(1, at=6_060.1) == [True]

    throttle = Fixed()
    Clock.now = 6_060.2
    assert throttle.allow_request(None, None) is False  # 10 x 0.997 + 1
    # One call in this window: room for one more once the last window's weight is under 9,
    # a tenth of the way in.
    assert throttle.wait() == pytest.approx(6 - 0.2, abs=0.01)
    assert calls(1, at=6_065.9) == [False]
    assert calls(1, at=6_066.1) == [True]


def record_operations(monkeypatch) -> list[str]:
    """The shared cache's operations the throttle makes, by name."""
    operations = []
    names = ("get_many", "incr", "add", "set", "count_in_window")
    for name in [n for n in names if hasattr(cache, n)]:
        real = getattr(cache, name)
        monkeypatch.setattr(
            cache,
            name,
            lambda *a, _real=real, _name=name, **k: operations.append(_name) or _real(*a, **k),
        )
    return operations


def checks(operations: list[str]) -> int:
    """Checks with the shared cache: one round trip each with Redis, a read each without."""
    return operations.count("count_in_window") + operations.count("get_many")


def test_each_call_costs_the_same_whatever_the_rate(monkeypatch):
    """DRF's history list grew with the rate; here one count per window, whatever the count,
    and checks with the cache only every SYNC_SECONDS while far from the rate."""
    monkeypatch.setitem(Fixed.THROTTLE_RATES, "test-window", "1000000/min")
    operations = record_operations(monkeypatch)
    assert all(calls(3000, at=6_000.0))
    assert checks(operations) == 1  # the first call; the 2,999 after it counted here
    assert all(calls(1, at=6_000.0 + throttling.SYNC_SECONDS + 0.01))
    assert checks(operations) == 2
    assert cache.get("throttle_test_window_caller:100") == 3001  # one count, not a list


def test_near_the_rate_every_call_checks(monkeypatch):
    """10 a minute, a margin of 2: the first call checks, the next seven are counted here
    (the estimate with each stays 2 under 10), then each call checks until the answer is no."""
    operations = record_operations(monkeypatch)
    answers = []
    for _ in range(11):
        before = checks(operations)
        answers.append((Fixed().allow_request(None, None), checks(operations) - before))
    assert answers == [(True, 1)] + [(True, 0)] * 7 + [(True, 1)] * 2 + [(False, 1)]
    assert cache.get("throttle_test_window_caller:100") == 10


def test_a_clock_set_back_checks_with_the_cache(monkeypatch):
    operations = record_operations(monkeypatch)
    assert all(calls(2, at=6_010.0))
    assert checks(operations) == 1
    assert all(calls(1, at=6_005.0))  # the same window, earlier than the last check
    assert checks(operations) == 2


def test_another_processes_calls_count_at_the_next_check(monkeypatch):
    """What other processes let through is seen at the next check, at most SYNC_SECONDS on."""
    monkeypatch.setitem(Fixed.THROTTLE_RATES, "test-window", "100/min")
    assert all(calls(10, at=6_000.0))
    cache.incr("throttle_test_window_caller:100", 85)  # the other processes' calls
    # Until its next check this process counts by what it knew: up to 94 (a margin of 5).
    assert all(calls(84, at=6_000.1))
    # Its next check counts its own 84 with the others': 179 already, no more this window.
    assert calls(1, at=6_000.0 + throttling.SYNC_SECONDS + 0.01) == [False]
    assert cache.get("throttle_test_window_caller:100") == 179
    assert calls(5, at=6_001.0) == [False] * 5


@pytest.mark.skipif(
    not hasattr(cache, "count_in_window"), reason="needs REDIS_URL (CI's second run)"
)
def test_the_one_trip_check_and_the_generic_one_read_each_other_s_counts():
    """A process on an older release (get_many, then incr) and one with the script count the
    same windows: the counts are plain integers either way, and the key's expiry is set."""
    for n in range(4):  # the script, each call a check of its own
        calls(1, at=6_000.0 + n * (throttling.SYNC_SECONDS + 0.01))
    generic = cache.get_many(["throttle_test_window_caller:100"])
    assert generic == {"throttle_test_window_caller:100": 4}
    cache.incr("throttle_test_window_caller:100", 5)  # the generic path's increment
    assert calls(2, at=6_010.0) == [True, False]
    ttl = cache._cache.get_client().ttl(
        cache.make_and_validate_key("throttle_test_window_caller:100")
    )
    assert 60 < ttl <= 121
