"""``/ws/tickets/<uuid>/presence/``: who else is on a ticket's page and who is replying.

No state on the server: every socket joins the ticket's group and announces itself; the others
answer it directly, so each page learns who is here whichever process holds their sockets.
Staff who may see the ticket only (4401 without a login, 4403 otherwise).

Client -> server: ``{"type": "typing", "typing": true|false}``.
Server -> client: ``{"type": "presence", "state": "here"|"left"|"typing"|"idle", "user": {...}}``.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from core.display import display_name
from core.metrics import WEBSOCKET_CONNECTIONS
from core.roles import is_staff_role
from tickets.selectors import visible_tickets

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


def presence_group(ticket_id) -> str:
    return f"ticket-presence.{ticket_id}"


def _may_watch(user, ticket_id) -> bool:
    return is_staff_role(user) and visible_tickets(user).filter(pk=ticket_id).exists()


class TicketPresenceConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.group = None
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self._refuse(CLOSE_UNAUTHENTICATED)
            return
        ticket_id = self.scope["url_route"]["kwargs"]["ticket_id"]
        if not await database_sync_to_async(_may_watch)(user, ticket_id):
            await self._refuse(CLOSE_FORBIDDEN)
            return
        self.me = {"id": user.pk, "name": display_name(user)}
        self.group = presence_group(ticket_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        WEBSOCKET_CONNECTIONS.labels(socket="presence").inc()
        await self._tell_group("here")

    async def _refuse(self, code: int) -> None:
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code) -> None:
        if self.group is not None:
            # self.group is set only on sockets that were accepted to stay, so each counted once
            WEBSOCKET_CONNECTIONS.labels(socket="presence").dec()
            await self._tell_group("left")
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if self.group is None or not isinstance(content, dict):
            return
        if content.get("type") == "typing":
            await self._tell_group("typing" if content.get("typing") else "idle")

    async def _tell_group(self, state: str) -> None:
        await self.channel_layer.group_send(
            self.group,
            {"type": "presence.update", "state": state, "user": self.me, "from": self.channel_name},
        )

    # --- channel-layer handlers ---------------------------------------------------------------

    async def presence_update(self, message: dict) -> None:
        if message["from"] == self.channel_name:
            return
        await self.send_json(
            {"type": "presence", "state": message["state"], "user": message["user"]}
        )
        if message["state"] == "here" and not message.get("answer"):
            # A newcomer: tell them (only them, and once) that we are here too.
            await self.channel_layer.send(
                message["from"],
                {
                    "type": "presence.update",
                    "state": "here",
                    "user": self.me,
                    "from": self.channel_name,
                    "answer": True,
                },
            )
