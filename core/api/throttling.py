"""The API's throttles: a sliding-window counter per caller, whatever the rate.

DRF's SimpleRateThrottle keeps each caller's history, a list of one timestamp per call over the
last period, and reads and writes it whole on every call. Its cost grows with the rate: an API
key allowed thousands of calls a minute pickles (and in the embedded file cache zlib-compresses)
a list of thousands of floats twice a call, 3.9 ms of CPU at 6,000 (docs/benchmarks.md, "The
throttle's counts, a Redis connection per request, one drain at a time"). Here a caller has one
count per window of the period; the window before counts for the part of it the sliding window
still covers. Constant work: one read of two counts and one increment, whatever the rate (with
Redis, one script doing both: one round trip a call); the
estimate errs by at most the previous window's unevenness, which is what the counter gives up
for that.
"""

from rest_framework.throttling import SimpleRateThrottle


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
        current, previous = f"{self.key}:{int(window)}", f"{self.key}:{int(window) - 1}"
        self.elapsed = elapsed
        in_one_trip = getattr(self.cache, "count_in_window", None)  # itsm.redis_cache
        if in_one_trip is not None:
            before, now, counted = in_one_trip(
                previous,
                current,
                weight=1 - elapsed / self.duration,
                limit=self.num_requests,
                timeout=self._lifetime(),
            )
            self.counts = before, now
            return self.throttle_success() if counted else self.throttle_failure()
        counts = self.cache.get_many([previous, current])
        self.counts = counts.get(previous, 0), counts.get(current, 0)
        if self._estimate(*self.counts, elapsed) >= self.num_requests:
            return self.throttle_failure()
        self._count(current, exists=current in counts)
        return self.throttle_success()

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

    def _estimate(self, previous: int, current: int, elapsed: float) -> float:
        return previous * (1 - elapsed / self.duration) + current

    def _count(self, key: str, *, exists: bool) -> None:
        """One more call in this window (caches without ``count_in_window``)."""
        timeout = self._lifetime()
        if exists:
            try:
                self.cache.incr(key)
                return
            except ValueError:  # expired since it was read
                pass
        if not self.cache.add(key, 1, timeout=timeout):
            try:
                self.cache.incr(key)  # another call of this caller's added it meanwhile
            except ValueError:
                self.cache.set(key, 1, timeout=timeout)


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
