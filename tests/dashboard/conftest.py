import asyncio
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings as django_settings

from dashboard import realtime


@pytest.fixture(autouse=True)
def fresh_channel_layer(settings):
    """A channel layer of this test's own: a fresh in-memory one, or (REDIS_URL set) the Redis
    one under a prefix no other test or process shares."""
    layers = {name: dict(config) for name, config in django_settings.CHANNEL_LAYERS.items()}
    default = layers["default"]
    if "CONFIG" in default:
        default["CONFIG"] = {**default["CONFIG"], "prefix": f"itsm-test-{uuid.uuid4().hex[:12]}"}
    settings.CHANNEL_LAYERS = layers  # Channels drops its cached layers on this change
    yield get_channel_layer()


class Listener:
    """A channel on the layer that joined some dashboard groups, like a consumer would."""

    SENTINEL = "test.sentinel"

    def __init__(self, *groups: str) -> None:
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        for group in groups:
            async_to_sync(self.layer.group_add)(group, self.channel)

    def events(self) -> list[dict]:
        """Every event delivered so far, in order: a marker sent to ourselves now comes after
        all of them, so no waiting on silence is needed."""

        async def drain() -> list[dict]:
            await self.layer.send(self.channel, {"type": self.SENTINEL})
            received = []
            while True:
                message = await asyncio.wait_for(self.layer.receive(self.channel), timeout=5)
                if message["type"] == self.SENTINEL:
                    return received
                assert message["type"] == realtime.MESSAGE_TYPE
                received.append(message["event"])

        return async_to_sync(drain)()


@pytest.fixture
def listen():
    return Listener


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks (routing after commit) run in-process whatever the environment."""
    from itsm.celery import app as celery_app

    conf = celery_app.conf
    previous = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = previous
