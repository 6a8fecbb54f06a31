"""The API's sliding-window throttle (core.api.throttling): counts per window, the window before
weighed by how much of it the sliding window still covers, constant work whatever the rate."""

import pytest
from django.core.cache import cache

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


def test_each_call_costs_the_same_whatever_the_rate(monkeypatch):
    """DRF's history list grew with the rate; here two cache operations a call at any count,
    one with Redis (itsm.redis_cache's count_in_window: one round trip)."""
    monkeypatch.setitem(Fixed.THROTTLE_RATES, "test-window", "1000000/min")
    operations = []
    one_trip = hasattr(cache, "count_in_window")
    for name in ("get_many", "incr", "add", "set") + (("count_in_window",) if one_trip else ()):
        real = getattr(cache, name)
        monkeypatch.setattr(
            cache,
            name,
            lambda *a, _real=real, _name=name, **k: operations.append(_name) or _real(*a, **k),
        )
    assert all(calls(3000, at=6_000.0))
    if one_trip:
        assert operations == ["count_in_window"] * 3000
    else:
        assert operations.count("get_many") == 3000
        assert len(operations) == 2 * 3000
    assert cache.get("throttle_test_window_caller:100") == 3000  # one count, not a list


@pytest.mark.skipif(
    not hasattr(cache, "count_in_window"), reason="needs REDIS_URL (CI's second run)"
)
def test_the_one_trip_check_and_the_generic_one_read_each_other_s_counts():
    """A process on an older release (get_many, then incr) and one with the script count the
    same windows: the counts are plain integers either way, and the key's expiry is set."""
    calls(4, at=6_000.0)  # the script
    generic = cache.get_many(["throttle_test_window_caller:100"])
    assert generic == {"throttle_test_window_caller:100": 4}
    cache.incr("throttle_test_window_caller:100", 5)  # the generic path's increment
    assert calls(2, at=6_010.0) == [True, False]
    ttl = cache._cache.get_client().ttl(
        cache.make_and_validate_key("throttle_test_window_caller:100")
    )
    assert 60 < ttl <= 121
