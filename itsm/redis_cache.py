"""Django's Redis cache with one redis-py client per connection pool.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` around the pool for every command.
With redis-py 8 that object copies its table of response callbacks (about 170 entries) each
time, which costs more CPU than the command's own round trip; a worker delivering a batch of
tickets makes a few cache reads per ticket, a web request two for the throttle. A client owns
no connection (it takes one from the pool per command and gives it back), so one client per
pool serves every thread, and the pool itself notices a fork (a prefork worker's child opens
its own connections).

``incr`` takes one round trip, not two: Django's asks whether the key exists, then increments
it. The API throttle increments a count on every call (core.api.throttling)."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

# INCRBY only if the key exists (INCRBY alone would create it, without its expiry).
INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end
return false
"""


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, **options) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        scripts = self.__dict__.setdefault("_incr_scripts", {})
        script = scripts.get(id(client))
        if script is None:  # registered once: EVALSHA after the first call
            script = scripts.setdefault(id(client), client.register_script(INCR_EXISTING))
        value = script(keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class ReusedClientRedisCache(RedisCache):
    """``BACKEND`` of CACHES when REDIS_URL is set."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
