"""The one way out to the browsers' websockets: messages to channel-layer groups, sent from
synchronous code (event subscribers, after-commit hooks). A broken channel layer never turns a
committed change into an error: the failure is logged and the change stands."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def user_group(user_id) -> str:
    """A user's own group (their in-app notifications); their sockets join it."""
    return f"user.{user_id}"


def send_to_groups(messages: list[tuple[str, dict]]) -> int:
    """Send each ``(group, message)`` in order; returns how many were sent."""
    if not messages:
        return 0
    try:
        layer = get_channel_layer()
        if layer is None:
            return 0
        async_to_sync(_send_all)(layer, messages)
    except Exception:  # the message is a courtesy: the change has committed
        logger.exception("Could not send %s websocket message(s)", len(messages))
        return 0
    return len(messages)


async def _send_all(layer, messages: list[tuple[str, dict]]) -> None:
    for group, message in messages:
        await layer.group_send(group, message)
