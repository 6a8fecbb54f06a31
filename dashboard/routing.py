"""Websocket routes, mounted by itsm.asgi under Channels' auth and origin checks.

The live dashboard consumer (/ws/dashboard/) joins this list with the dashboard issue."""

websocket_urlpatterns: list = []
