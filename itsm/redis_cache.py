"""Django's Redis cache with one redis-py client per connection pool.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` around the pool for every command.
With redis-py 8 that object copies its table of response callbacks (about 170 entries) each
time, which costs more CPU than the command's own round trip; a worker delivering a batch of
tickets makes a few cache reads per ticket, a web request two for the throttle. A client owns
no connection (it takes one from the pool per command and gives it back), so one client per
pool serves every thread, and the pool itself notices a fork (a prefork worker's child opens
its own connections)."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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


class ReusedClientRedisCache(RedisCache):
    """``BACKEND`` of CACHES when REDIS_URL is set."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
