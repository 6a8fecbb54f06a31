"""Django's Redis cache with one connection pool and one redis-py client per server and process.

Django keeps a cache object per thread *and per async context* (``caches`` is an asgiref
``Local``), and each object builds its own connection pool. Under ASGI every request runs in a
context of its own, so each request made a new pool, opened a new TCP connection to Redis (with
its HELLO handshake) and dropped it: one connection per request, 10% of a web process's samples
under one client (docs/benchmarks.md, "The throttle's counts, a Redis connection per request,
one drain at a time"). Here the pools are the process's, shared by every cache object of the
same server and options.

Django's ``RedisCacheClient`` also builds a new ``redis.Redis`` around the pool for every
command. With redis-py 8 that object copies its table of response callbacks (about 170 entries)
each time, which costs more CPU than the command's own round trip. A client owns no connection
(it takes one from the pool per command and gives it back), so one client per pool serves every
thread, and the pool itself notices a fork (a prefork worker's child opens its own connections).

``incr`` takes one round trip, not two: Django's asks whether the key exists, then increments
it. ``count_in_window`` is the API throttle's whole check in one round trip (core.api.throttling:
read the window's two counts, and count the call if the rate allows it), where the cache's
generic commands take two."""

import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

# INCRBY only if the key exists (INCRBY alone would create it, without its expiry).
INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end
return false
"""

# The sliding window's check (core.api.throttling): the window before's count weighs ARGV[1];
# under the rate ARGV[2] the call is counted in this window, whose count lives ARGV[3] seconds.
# ARGV[4] calls were let through by the asking process since its last check and are counted
# first, whatever the answer. Counts are plain integers, as Django's serializer stores them, so
# either path reads the other's.
WINDOW_COUNT = """
local previous = tonumber(redis.call('GET', KEYS[1]) or '0')
local current = tonumber(redis.call('GET', KEYS[2]) or '0') + tonumber(ARGV[4])
local allowed = previous * tonumber(ARGV[1]) + current < tonumber(ARGV[2])
local add = tonumber(ARGV[4]) + (allowed and 1 or 0)
if add > 0 and redis.call('INCRBY', KEYS[2], add) == add then
    redis.call('EXPIRE', KEYS[2], ARGV[3])
end
return {previous, current, allowed and 1 or 0}
"""

# The process's pools, clients and scripts: (server URL, pool options) -> them.
_shared: dict[tuple[str, str], tuple] = {}
_shared_lock = threading.Lock()


class ReusedClientRedisCacheClient(RedisCacheClient):
    def _shared(self, write: bool) -> tuple:
        """(pool, client, incr script, window script) of the server this command goes to."""
        server = self._servers[self._get_connection_pool_index(write)]
        key = (server, repr(sorted(self._pool_options.items(), key=lambda item: item[0])))
        found = _shared.get(key)
        if found is None:
            with _shared_lock:
                found = _shared.get(key)
                if found is None:
                    pool = self._pool_class.from_url(server, **self._pool_options)
                    client = self._client(connection_pool=pool)
                    scripts = [client.register_script(s) for s in (INCR_EXISTING, WINDOW_COUNT)]
                    found = _shared[key] = (pool, client, *scripts)
        return found

    def _get_connection_pool(self, write):
        return self._shared(write)[0]

    def get_client(self, key=None, *, write=False):
        return self._shared(write)[1]

    def incr(self, key, delta):
        value = self._shared(True)[2](keys=[key], args=[delta])  # EVALSHA after the first call
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def count_in_window(self, keys: list, args: list) -> tuple[int, int, bool]:
        previous, current, counted = self._shared(True)[3](keys=keys, args=args)
        return int(previous), int(current), bool(counted)


class ReusedClientRedisCache(RedisCache):
    """``BACKEND`` of CACHES when REDIS_URL is set."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def count_in_window(
        self,
        previous: str,
        current: str,
        *,
        weight: float,
        limit: int,
        timeout: int,
        admitted: int = 0,
    ) -> tuple[int, int, bool]:
        """Count ``admitted`` calls let through meanwhile in ``current``; then the counts of
        the window before and of this one, as they were before this call, and whether
        ``previous x weight + current`` was under ``limit``, in which case this call is counted
        in ``current`` too (which lives ``timeout`` seconds from its first count)."""
        keys = [self.make_and_validate_key(previous), self.make_and_validate_key(current)]
        args = [repr(float(weight)), limit, int(timeout), int(admitted)]
        return self._cache.count_in_window(keys, args)
