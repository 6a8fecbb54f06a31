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
    """DRF's history list grew with the rate; here two cache operations a call at any count."""
    monkeypatch.setitem(Fixed.THROTTLE_RATES, "test-window", "1000000/min")
    operations = []
    for name in ("get_many", "incr", "add", "set"):
        real = getattr(cache, name)
        monkeypatch.setattr(
            cache,
            name,
            lambda *a, _real=real, _name=name, **k: operations.append(_name) or _real(*a, **k),
        )
    assert all(calls(3000, at=6_000.0))
    assert operations.count("get_many") == 3000
    assert len(operations) == 2 * 3000
    assert cache.get("throttle_test_window_caller:100") == 3000  # one count, not a list
