"""The Redis channel layer outlives an idle socket: channels-redis waits for a message with a
blocking pop of ``brpop_timeout`` seconds (5), and redis-py 8 reads with a 5 s socket timeout
by default, so the client gave up first and every idle consumer died with 1011 (CI saw it in
tests/dashboard/test_scale_out.py). settings.CHANNEL_LAYERS gives the reads longer."""

import asyncio
import os

import pytest
from channels.layers import get_channel_layer

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI's second run)"
)


def test_an_idle_receive_outlasts_the_blocking_pop():
    layer = get_channel_layer()

    async def idle() -> None:
        channel = await layer.new_channel()
        # Waits one blocking pop and a bit (the bug is a timeout: this test has to wait it out).
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(layer.receive(channel), timeout=layer.brpop_timeout + 2)
        await layer.flush()

    asyncio.run(idle())
