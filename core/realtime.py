"""The one way out to the browsers' websockets: messages to channel-layer groups, sent from
synchronous code (event subscribers, actions). A broken channel layer never turns a committed
change into an error: the failure is logged and the change stands.

Inside a transaction the messages wait for its commit (nothing is shown that then rolls
back) and all of one transaction's messages go out together, in the order they were sent,
through one call into the channel layer's event loop (users' groups side by side, see
_send_all). Entering that loop from synchronous code costs about a millisecond each time
(async_to_sync starts a loop and hands work to a thread), and delivering one routed ticket
sends a dozen messages (the dashboard's, and each notified agent's).

A layer outside the process (Redis) is sent to from one event loop kept for the process
(_SenderLoop): channels-redis keeps its connections per event loop, so through async_to_sync,
which makes a new loop each call, every send opened and closed a Redis connection (2.0 ms of
CPU a send against 0.27 on a loop kept; docs/benchmarks.md, "A loop kept for the channel
layer"). The in-memory layer's queues belong to the server's own loop and keep async_to_sync."""

import asyncio
import concurrent.futures
import logging
import os
import threading
from collections.abc import Callable, Coroutine

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# Set in the embedded default's delivery process (core.delivery_child): the sockets and the
# in-memory channel layer are in the server process, so the messages are handed to it.
_forward: Callable[[list[tuple[str, dict]]], None] | None = None


def forward_to(forward: Callable[[list[tuple[str, dict]]], None] | None) -> None:
    """Hand every batch of messages to ``forward`` instead of this process's channel layer."""
    global _forward
    _forward = forward


USER_GROUP_PREFIX = "user."
# Users' groups sent to at once. On Redis each group_send is three round trips one after the
# other; a batch of routed tickets tells about ten agents each, which took a worker 3 ms of
# waiting per ticket in series (docs/benchmarks.md, "Flags told in batches").
PARALLEL_GROUPS = 8


def user_group(user_id) -> str:
    """A user's own group (their in-app notifications); their sockets join it."""
    return f"{USER_GROUP_PREFIX}{user_id}"


def send_to_groups(messages: list[tuple[str, dict]]) -> int:
    """Send each ``(group, message)`` in order (after the commit, inside a transaction);
    returns how many were sent or queued for the commit."""
    if not messages:
        return 0
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        _after_commit(connection).messages.extend(messages)
        return len(messages)
    return _send_now(messages)


class _SendAfterCommit:
    """One transaction's (or savepoint's) messages, sent by one after-commit callback."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, dict]] = []

    def __call__(self) -> None:
        _send_now(self.messages)


def _after_commit(connection) -> _SendAfterCommit:
    """The batch to add to: the last callback registered, if it is a batch registered at the
    current savepoint (so a savepoint that rolls back takes its own messages with it, and the
    messages keep their order among other callbacks); otherwise a new one."""
    pending = connection.run_on_commit
    if pending:
        savepoints, callback, *_ = pending[-1]
        if isinstance(callback, _SendAfterCommit) and savepoints == set(connection.savepoint_ids):
            return callback
    batch = _SendAfterCommit()
    transaction.on_commit(batch, robust=True)
    return batch


def _send_now(messages: list[tuple[str, dict]]) -> int:
    if _forward is not None:
        try:
            _forward(messages)
        except Exception:  # the server is gone or the message is not JSON: a courtesy lost
            logger.exception("Could not forward %s websocket message(s)", len(messages))
            return 0
        return len(messages)
    return send_here(messages)


def send_here(messages: list[tuple[str, dict]]) -> int:
    """Into this process's channel layer, now."""
    try:
        layer = get_channel_layer()
        if layer is None:
            return 0
        if isinstance(layer, InMemoryChannelLayer):
            async_to_sync(_send_all)(layer, messages)
        else:
            _sender.run(_send_all(layer, messages), timeout=SEND_TIMEOUT)
    except Exception:  # the message is a courtesy: the change has committed
        logger.exception("Could not send %s websocket message(s)", len(messages))
        return 0
    return len(messages)


async def _send_all(layer, messages: list[tuple[str, dict]]) -> None:
    """Each user's group is a lane of its own, every other group shares one lane; a lane's
    messages go in order, lanes side by side. So a socket sees its messages in the order they
    were sent within each lane: a user's notifications among themselves, and the dashboard's
    ticket events among themselves (a dashboard socket joins several team groups; those share
    the one lane). Only a notification and a ticket event may pass each other."""
    if hasattr(layer, "groups_with_members"):  # itsm.channel_layer: skip the empty groups
        listened = await layer.groups_with_members([group for group, _ in messages])
        messages = [(group, message) for group, message in messages if group in listened]
    lanes: dict[str, list[tuple[str, dict]]] = {}
    for group, message in messages:
        lane = group if group.startswith(USER_GROUP_PREFIX) else ""
        lanes.setdefault(lane, []).append((group, message))
    gate = asyncio.Semaphore(PARALLEL_GROUPS)

    async def send_lane(lane: list[tuple[str, dict]]) -> None:
        async with gate:
            for group, message in lane:
                await layer.group_send(group, message)

    await asyncio.gather(*(send_lane(lane) for lane in lanes.values()))


SEND_TIMEOUT = 30.0  # seconds: a Redis that stopped answering costs a batch this, then a log line


class _SenderLoop:
    """An event loop running in a daemon thread of this process, started at the first send
    (and again in a forked child: a Celery worker's processes fork after import)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0

    def run(self, coroutine: Coroutine, *, timeout: float):
        future = asyncio.run_coroutine_threadsafe(coroutine, self._running_loop())
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid() or self._loop.is_closed():
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="channel-layer-sends", daemon=True
                )
                thread.start()
                self._loop, self._pid = loop, os.getpid()
            return self._loop


_sender = _SenderLoop()
