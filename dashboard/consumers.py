"""``/ws/dashboard/``: authenticate, join groups, forward. No business rules here.

On connect the socket gets ``{"type": "kpi.snapshot", "data": {...}}``; then every event that
dashboard.realtime publishes for the teams it may see, as is; and, shortly after a burst of
events, a fresh ``kpi.snapshot`` (computed once per cache version, see dashboard.kpis). The
user's own ``notification.created`` messages (notifications.realtime) are forwarded too.

Refusals are accepted and then closed with an application close code, so that browsers see
it: 4401 no or invalid credentials, 4403 a role that may not watch (requesters).
"""

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from core.metrics import WEBSOCKET_CONNECTIONS
from core.realtime import user_group
from dashboard import kpis, realtime
from dashboard.selectors import dashboard_access

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
# Events arriving within this many seconds share one snapshot refresh.
SNAPSHOT_DEBOUNCE_SECONDS = 0.3


class DashboardConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.joined: list[str] = []
        self.refresh: asyncio.Task | None = None
        self.counted = False  # refused sockets are accepted only to be closed: not counted
        user = self.scope.get("user")
        if self.scope.get("auth_error") or user is None or not user.is_authenticated:
            await self._refuse(CLOSE_UNAUTHENTICATED)
            return
        self.access = await database_sync_to_async(dashboard_access)(user)
        if self.access is None:
            await self._refuse(CLOSE_FORBIDDEN)
            return
        # Join before the snapshot is computed, so that no change falls between the two.
        if self.access.everything:
            self.joined.append(realtime.ALL_TEAMS_GROUP)
        else:
            self.joined += [realtime.team_group(pk) for pk in self.access.team_ids]
        self.joined.append(user_group(self.access.user_id))
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        WEBSOCKET_CONNECTIONS.labels(socket="dashboard").inc()
        self.counted = True
        await self.send_snapshot()

    async def _refuse(self, code: int) -> None:
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code) -> None:
        if getattr(self, "counted", False):
            WEBSOCKET_CONNECTIONS.labels(socket="dashboard").dec()
            self.counted = False
        if self.refresh is not None:
            self.refresh.cancel()
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        """The dashboard only listens; whatever a client sends is ignored."""

    async def send_snapshot(self) -> None:
        data = await database_sync_to_async(kpis.snapshot)(team_ids=self.access.team_ids)
        await self.send_json({"type": "kpi.snapshot", "data": data})

    # --- channel-layer handlers ---------------------------------------------------------------

    async def dashboard_event(self, message: dict) -> None:
        await self.send_json(message["event"])
        if self.refresh is None or self.refresh.done():
            self.refresh = asyncio.ensure_future(self._refresh_later())

    async def notification_created(self, message: dict) -> None:
        await self.send_json(
            {"type": "notification.created", "notification": message["notification"]}
        )

    async def _refresh_later(self) -> None:
        await asyncio.sleep(SNAPSHOT_DEBOUNCE_SECONDS)
        try:
            await self.send_snapshot()
        except Exception:  # a failed refresh must not drop the socket; the next event retries
            logger.exception("Could not refresh the KPI snapshot")
