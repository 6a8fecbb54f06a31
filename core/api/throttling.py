"""The API's throttles: a sliding-window counter per caller, whatever the rate.

DRF's SimpleRateThrottle keeps each caller's history, a list of one timestamp per call over the
last period, and reads and writes it whole on every call. Its cost grows with the rate: an API
key allowed thousands of calls a minute pickles (and in the embedded file cache zlib-compresses)
a list of thousands of floats twice a call, 3.9 ms of CPU at 6,000 (docs/benchmarks.md, "The
throttle's counts, a Redis connection per request, one drain at a time"). Here a caller has one
count per window of the period; the window before counts for the part of it the sliding window
still covers. Constant work: one read of two counts and one increment, whatever the rate (with
Redis, one script doing both: one round trip); the estimate errs by at most the previous
window's unevenness, which is what the counter gives up for that.

And a process does not ask the shared cache on every call: while its estimate of a caller stays
well under the rate it lets the call through and counts it itself, for at most SYNC_SECONDS,
then counts what it let through at its next check. Near the rate every call checks.
"""

import math
import threading
from dataclasses import dataclass

from rest_framework.throttling import SimpleRateThrottle

# Between checks with the shared cache a process counts a caller's calls itself, while its
# estimate stays MARGIN below the rate (MARGIN_SHARE of it, at least MARGIN_MIN calls), for at
# most SYNC_SECONDS. Each check with the cache was a round trip on the request's path: with
# Redis on a machine whose cores the worker and PostgreSQL keep busy, 0.52 ms of a create's
# 6.8 ms at one client, waiting for Redis to be scheduled (0.35 ms in the embedded file cache;
# docs/benchmarks.md, "The door's round trips to Redis"). The price: other processes' calls
# since their last check are not seen, at most SYNC_SECONDS' worth; near the rate every call
# checks.
SYNC_SECONDS = 0.25
MARGIN_SHARE = 0.05
MARGIN_MIN = 2
MAX_CALLERS = 10_000  # callers a process keeps counts for; past it, older windows are dropped


@dataclass
class _Seen:
    """What this process knows of one caller's windows."""

    window: int
    previous: int  # the window before, as the cache said at the last check
    current: int  # this window, as the cache said at the last check
    admitted: int  # let through here since then, not yet in the cache
    checked_at: float


_seen: dict[str, _Seen] = {}
_seen_lock = threading.Lock()


def forget_local_counts() -> None:
    """Drop this process's counts (tests, after clearing the cache)."""
    with _seen_lock:
        _seen.clear()


class WindowRateThrottle(SimpleRateThrottle):
    """SimpleRateThrottle's rates, scopes and cache keys, counted in windows."""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window, elapsed = divmod(self.now, self.duration)
        self.elapsed = elapsed
        weight = 1 - elapsed / self.duration
        if self._counted_here(int(window), weight):
            return True
        admitted = self._take_admitted(int(window))
        current, previous = f"{self.key}:{int(window)}", f"{self.key}:{int(window) - 1}"
        allowed = self._check(previous, current, weight=weight, admitted=admitted)
        self._remember(int(window), counted=allowed)
        return self.throttle_success() if allowed else self.throttle_failure()

    def _counted_here(self, window: int, weight: float) -> bool:
        """Let the call through and count it here when this process checked with the cache
        lately and its estimate, with what it let through since, stays MARGIN under the rate."""
        margin = max(MARGIN_MIN, math.ceil(self.num_requests * MARGIN_SHARE))
        with _seen_lock:
            seen = _seen.get(self.key)
            if (
                seen is None
                or seen.window != window
                or not (
                    0 <= self.now - seen.checked_at <= SYNC_SECONDS  # a clock set back checks too
                )
            ):
                return False
            counts = seen.previous, seen.current + seen.admitted
            if self._estimate_at(*counts, weight) + 1 + margin > self.num_requests:
                return False
            seen.admitted += 1
            self.counts = counts
            return True

    def _take_admitted(self, window: int) -> int:
        """The calls let through here since the last check: counted with this one (in this
        window even if they came in the last, which errs towards the rate)."""
        with _seen_lock:
            seen = _seen.get(self.key)
            if seen is None:
                return 0
            admitted, seen.admitted = seen.admitted, 0
            return admitted

    def _check(self, previous: str, current: str, *, weight: float, admitted: int) -> bool:
        """One check with the shared cache: counts ``admitted`` and, under the rate, this call."""
        in_one_trip = getattr(self.cache, "count_in_window", None)  # itsm.redis_cache
        if in_one_trip is not None:
            before, now, counted = in_one_trip(
                previous,
                current,
                weight=weight,
                limit=self.num_requests,
                timeout=self._lifetime(),
                admitted=admitted,
            )
            self.counts = before, now
            return bool(counted)
        counts = self.cache.get_many([previous, current])
        self.counts = counts.get(previous, 0), counts.get(current, 0) + admitted
        allowed = self._estimate_at(*self.counts, weight) < self.num_requests
        if admitted or allowed:
            self._count(current, exists=current in counts, amount=admitted + allowed)
        return allowed

    def _remember(self, window: int, *, counted: bool) -> None:
        """What the check said, as of now; calls let through here meanwhile (other threads)
        stay to be counted at the next check."""
        previous, current = self.counts
        with _seen_lock:
            if len(_seen) >= MAX_CALLERS:
                for key in [k for k, seen in _seen.items() if seen.window < window]:
                    del _seen[key]
                if len(_seen) >= MAX_CALLERS:
                    _seen.clear()
            meanwhile = _seen[self.key].admitted if self.key in _seen else 0
            _seen[self.key] = _Seen(window, previous, current + counted, meanwhile, self.now)

    def throttle_success(self) -> bool:
        return True

    def wait(self) -> float:
        """Seconds until the estimate falls below the rate: within this window while the window
        before still weighs, else after this one ends, when this one's count starts to fade."""
        previous, current = self.counts
        if self.num_requests <= 0:  # a key whose rate is set to nothing
            return float(self.duration)
        if current < self.num_requests:  # previous > 0: its share fades as the window slides
            fades_at = self.duration * (1 - (self.num_requests - current) / previous)
            return max(fades_at - self.elapsed, 0.0) + 1e-3
        rest_of_window = self.duration - self.elapsed
        return rest_of_window + self.duration * (1 - self.num_requests / current) + 1e-3

    def _lifetime(self) -> int:
        """A window's count lives two periods: it is the window before for the whole next one."""
        return 2 * self.duration + 1

    def _estimate_at(self, previous: int, current: int, weight: float) -> float:
        return previous * weight + current

    def _count(self, key: str, *, exists: bool, amount: int) -> None:
        """``amount`` more calls in this window (caches without ``count_in_window``)."""
        timeout = self._lifetime()
        if exists:
            try:
                self.cache.incr(key, amount)
                return
            except ValueError:  # expired since it was read
                pass
        if not self.cache.add(key, amount, timeout=timeout):
            try:
                self.cache.incr(key, amount)  # another call of this caller's added it meanwhile
            except ValueError:
                self.cache.set(key, amount, timeout=timeout)


class CallerRateThrottle(WindowRateThrottle):
    """One budget per signed-in user and one per API key (anonymous calls: AnonRateThrottle)."""

    scope = "caller"

    def get_cache_key(self, request, view) -> str | None:
        user = request.user
        if not user or not user.is_authenticated:
            return None
        api_key = getattr(user, "api_key", None)
        ident = f"key:{api_key.pk}" if api_key is not None else f"user:{user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        api_key = getattr(request.user, "api_key", None)
        if api_key is not None:
            # Each key carries its own rate, set in the admin.
            self.num_requests, self.duration = api_key.rate_per_minute, 60
        return super().allow_request(request, view)


class AnonRateThrottle(WindowRateThrottle):
    """Calls without a user or key, per client address."""

    scope = "anon"

    def get_cache_key(self, request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return None  # the caller's own budget applies
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenRateThrottle(WindowRateThrottle):
    """The token endpoints, per client address: slows password guessing before axes locks."""

    scope = "token"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
