"""``/ws/notifications/``: keeps the header's bell current. A signed-in staff user's socket
joins their own group (core.realtime.user_group), where notifications.realtime puts each new
in-app notification as it is committed. Each message carries the unread count as it is then:
once the socket has joined (a notification committed between the page's render and the join
would otherwise never reach the page), and with every new notification (so a page that got
both counts it once). Nothing is written here. Refusals close with 4401 (no login) or 4403
(not staff: requesters have no bell)."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from core.metrics import WEBSOCKET_CONNECTIONS
from core.realtime import user_group
from core.roles import is_staff_role
from notifications.selectors import unread_of

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


class BellConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.group = None
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self._refuse(CLOSE_UNAUTHENTICATED)
            return
        if not await database_sync_to_async(is_staff_role)(user):
            await self._refuse(CLOSE_FORBIDDEN)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        WEBSOCKET_CONNECTIONS.labels(socket="bell").inc()
        await self.send_json({"type": "notification.unread", "unread": await self._unread()})

    async def _refuse(self, code: int) -> None:
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code) -> None:
        if self.group is not None:
            WEBSOCKET_CONNECTIONS.labels(socket="bell").dec()
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        """The bell only listens; whatever a client sends is ignored."""

    # --- channel-layer handlers ---------------------------------------------------------------

    async def notification_created(self, message: dict) -> None:
        note = message["notification"]
        await self.send_json(
            {
                "type": "notification.created",
                "notification": {"id": note["id"], "title": note["title"]},
                "unread": await self._unread(),
            }
        )

    async def _unread(self) -> int:
        return await database_sync_to_async(unread_of)(self.scope["user"].pk)
