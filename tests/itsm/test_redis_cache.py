"""itsm.redis_cache: the scale-out cache keeps one redis-py client per pool instead of one per
command, and stays correct shared by threads and across a prefork worker's fork."""

import multiprocessing
import os
import threading

import pytest

from itsm.redis_cache import ReusedClientRedisCache

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI's second run)"
)


@pytest.fixture
def cache():
    cache = ReusedClientRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"t{os.getpid()}"})
    yield cache
    cache.delete_many(["counter", "key", "from-child"])
    cache.close()


def test_one_client_serves_every_command(cache):
    client = cache._cache.get_client()
    assert cache._cache.get_client("any key") is client
    assert cache._cache.get_client(write=True) is client  # one server: one pool

    assert cache.add("key", {"a": 1}, 30) is True
    assert cache.add("key", {"a": 2}, 30) is False
    assert cache.get("key") == {"a": 1}
    cache.set("counter", 0, 30)
    assert cache.incr("counter", 5) == 5
    assert cache.delete("key") is True
    assert cache.get("key", "gone") == "gone"


def test_threads_share_the_client(cache):
    cache.set("counter", 0, 30)

    def bump() -> None:
        for _ in range(50):
            cache.incr("counter")

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("counter") == 200


def _child(cache) -> None:
    cache.set("from-child", os.getpid(), 30)
    os._exit(0 if cache.get("from-child") == os.getpid() else 1)


def test_a_forked_child_opens_its_own_connection(cache):
    cache.set("counter", 1, 30)  # the parent's pool holds a connection before the fork
    child = multiprocessing.get_context("fork").Process(target=_child, args=(cache,))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    assert cache.get("from-child") == child.pid
    assert cache.incr("counter") == 2  # the parent's connection was left alone


def test_incr_is_one_round_trip_keeps_the_expiry_and_leaves_a_missing_key_missing(
    cache, monkeypatch
):
    cache.set("counter", 1, 30)
    assert cache.incr("counter", 2) == 3  # the first call may load the script
    client = cache._cache.get_client(write=True)
    sent = []
    real = client.execute_command
    monkeypatch.setattr(
        client, "execute_command", lambda *args, **kw: sent.append(args[0]) or real(*args, **kw)
    )
    assert cache.incr("counter", 2) == 5
    assert sent == ["EVALSHA"]  # Django's asks EXISTS, then INCRBY
    assert 0 < client.ttl(cache.make_and_validate_key("counter")) <= 30

    with pytest.raises(ValueError):
        cache.incr("key")
    assert cache.get("key", "absent") == "absent"


def test_a_request_in_a_context_of_its_own_opens_no_connection_of_its_own():
    """Django keeps a cache object per async context, and under ASGI each request is one: each
    object built its own pool, so each request opened (and dropped) a connection to Redis."""
    import asyncio

    import redis
    from asgiref.sync import sync_to_async
    from django.core.cache import CacheHandler

    url = os.environ["REDIS_URL"]
    handler = CacheHandler(
        {"default": {"BACKEND": "itsm.redis_cache.ReusedClientRedisCache", "LOCATION": url}}
    )
    seen = []

    def one_request() -> None:
        cache = handler["default"]
        seen.append(cache)
        cache.get("key")

    async def requests() -> None:
        for _ in range(10):  # a task each, as the server runs a request
            await asyncio.create_task(sync_to_async(one_request, thread_sensitive=False)())

    probe = redis.Redis.from_url(url)
    before = probe.info("stats")["total_connections_received"]
    asyncio.run(requests())
    opened = probe.info("stats")["total_connections_received"] - before
    assert len(set(map(id, seen))) == 10  # a cache object per request, as Django makes them
    assert opened <= 1  # the process's pool: its first connection at most
    probe.close()


@pytest.mark.django_db(transaction=True)
def test_api_calls_through_the_asgi_door_share_the_process_pool():
    """The real door: each call is a task of the ASGI application, counted by the throttle in
    the Redis cache. Ten calls open at most one connection (ten, one each, before)."""
    import asyncio

    import redis

    from itsm.asgi import application
    from tests.asgi import http_get

    async def calls() -> list[int]:
        return [(await http_get(application, "/api/v1/tickets/"))[0] for _ in range(10)]

    probe = redis.Redis.from_url(os.environ["REDIS_URL"])
    before = probe.info("stats")["total_connections_received"]
    statuses = asyncio.run(calls())
    opened = probe.info("stats")["total_connections_received"] - before
    probe.close()
    assert statuses == [401] * 10  # anonymous: throttled first (counted), then refused
    assert opened <= 1
