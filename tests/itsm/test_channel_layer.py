"""itsm.channel_layer on real Redis: the members of many groups in one round trip, and
core.realtime sending only to the groups someone listens to, in order, from one event loop kept
for the process."""

import asyncio
import os

import pytest
import redis
from channels.layers import get_channel_layer

from core import realtime
from itsm.channel_layer import BatchingRedisChannelLayer

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI's second run)"
)


def layer() -> BatchingRedisChannelLayer:
    return BatchingRedisChannelLayer(
        hosts=[{"address": os.environ["REDIS_URL"], "socket_timeout": 15}],
        prefix=f"test-layer-{os.getpid()}",
    )


def test_the_groups_with_a_member_are_read_together():
    redis_layer = layer()

    async def check() -> set:
        channel = await redis_layer.new_channel()
        await redis_layer.group_add("user.1", channel)
        await redis_layer.group_add("dashboard.all", channel)
        await redis_layer.group_add("user.3", channel)
        await redis_layer.group_discard("user.3", channel)
        try:
            return await redis_layer.groups_with_members(
                ["user.1", "user.2", "dashboard.all", "dashboard.team.9", "user.3", "user.1"]
            )
        finally:
            await redis_layer.flush()

    assert asyncio.run(check()) == {"user.1", "dashboard.all"}


def test_a_batch_goes_only_to_groups_someone_listens_to_and_keeps_its_order():
    redis_layer = layer()
    sent_to: list[str] = []
    library_send = redis_layer.group_send

    async def counting_send(group, message):
        sent_to.append(group)
        await library_send(group, message)

    redis_layer.group_send = counting_send
    messages = [
        (realtime.user_group(1), {"type": "n", "n": 1}),
        (realtime.user_group(2), {"type": "n", "n": 2}),  # nobody's socket
        ("dashboard.all", {"type": "n", "n": 3}),
        (realtime.user_group(1), {"type": "n", "n": 4}),
    ]

    async def run() -> list:
        channel = await redis_layer.new_channel()
        await redis_layer.group_add(realtime.user_group(1), channel)
        await redis_layer.group_add("dashboard.all", channel)
        try:
            await realtime._send_all(redis_layer, messages)
            received = [await redis_layer.receive(channel) for _ in range(3)]
            return [message["n"] for message in received]
        finally:
            await redis_layer.flush()

    received = asyncio.run(run())
    assert sorted(received) == [1, 3, 4]
    assert received.index(1) < received.index(4)  # one user's messages in order
    assert realtime.user_group(2) not in sent_to
    assert sorted(sent_to) == sorted(["user.1", "user.1", "dashboard.all"])


def test_sends_from_synchronous_code_share_one_connection_and_arrive_in_order():
    """A worker sends after every batch's commit: through a new event loop each time (what
    async_to_sync makes) channels-redis opened a connection per send."""
    configured = get_channel_layer()
    stats = redis.Redis.from_url(os.environ["REDIS_URL"])

    async def join() -> str:
        channel = await configured.new_channel()
        await configured.group_add("dashboard.sends", channel)
        return channel

    channel = realtime._sender.run(join(), timeout=10)
    realtime.send_here([("dashboard.sends", {"type": "n", "n": -1})])
    before = stats.info("stats")["total_connections_received"]
    for n in range(20):
        assert realtime.send_here([("dashboard.sends", {"type": "n", "n": n})]) == 1
    opened = stats.info("stats")["total_connections_received"] - before

    async def read() -> list[int]:
        received = [(await configured.receive(channel))["n"] for _ in range(21)]
        await configured.group_discard("dashboard.sends", channel)
        return received

    assert realtime._sender.run(read(), timeout=10) == list(range(-1, 20))
    assert opened == 0


def test_a_forked_process_sends_from_a_loop_of_its_own(monkeypatch):
    """A Celery worker's processes fork from a parent: the parent's loop thread is not there."""
    monkeypatch.setattr(realtime, "SEND_TIMEOUT", 5.0)
    assert realtime.send_here([("dashboard.forked", {"type": "n", "n": 0})]) == 1
    pid = os.fork()
    if pid == 0:  # the child: report by exit status, never return into pytest
        sent = realtime.send_here([("dashboard.forked", {"type": "n", "n": 1})])
        os._exit(0 if sent == 1 else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
