"""/ws/notifications/ through the real ASGI application: staff only, the unread count once the
socket has joined, and each of the user's own new notifications reaches their pages (nobody
else's) with the count as it then is."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator

from notifications.realtime import push_notification
from tests.notifications.factories import NotificationFactory
from tests.pages.test_presence import ORIGIN, app, cookie, refused_with  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


def bell(app, user=None) -> WebsocketCommunicator:  # noqa: F811 - the fixture's value
    headers = [(b"origin", ORIGIN)] + ([(b"cookie", cookie(user))] if user else [])
    return WebsocketCommunicator(app, "/ws/notifications/", headers=headers)


def test_only_signed_in_staff_connect(app, requester):  # noqa: F811
    sockets = [bell(app), bell(app, requester)]

    async def body():
        assert [await refused_with(s) for s in sockets] == [4401, 4403]

    async_to_sync(body)()


def test_a_new_notification_reaches_only_its_users_pages(app, agent, other_agent):  # noqa: F811
    mine, theirs = bell(app, agent), bell(app, other_agent)

    async def body():
        # Committed before the socket joined: counted in the first message.
        await sync_to_async(NotificationFactory)(user=agent, title="Before the socket")
        assert (await mine.connect())[0] and (await theirs.connect())[0]
        opened = {"type": "notification.unread", "unread": 1}
        assert await mine.receive_json_from(timeout=5) == opened
        assert await theirs.receive_json_from(timeout=5) == opened | {"unread": 0}
        note = await sync_to_async(NotificationFactory)(user=agent, title="Assigned to you")
        await sync_to_async(push_notification)(note)
        assert await mine.receive_json_from(timeout=5) == {
            "type": "notification.created",
            "notification": {"id": str(note.pk), "title": "Assigned to you"},
            "unread": 2,
        }
        assert await theirs.receive_nothing(timeout=0.3)
        await mine.send_to(text_data="ignored")
        assert await mine.receive_nothing(timeout=0.2)
        await mine.disconnect()
        await theirs.disconnect()

    async_to_sync(body)()
