"""A websocket client in a process of its own (autobahn on asyncio; the test process has
already bound autobahn to Twisted through daphne). Prints one JSON line per message received:
``{"received_at": <unix time>, "message": {...}}``, and a last line ``{"closed": <code>}``.

    python -m tests.dashboard.ws_listen ws://127.0.0.1:8000/ws/dashboard/?token=... ORIGIN
"""

import asyncio
import json
import sys
import time
from urllib.parse import urlsplit

from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol


def emit(line: dict) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


async def listen(url: str, origin: str) -> None:
    loop = asyncio.get_running_loop()
    closed = loop.create_future()

    class Client(WebSocketClientProtocol):
        def onMessage(self, payload, isBinary):
            emit({"received_at": time.time(), "message": json.loads(payload)})

        def onClose(self, wasClean, code, reason):
            emit({"closed": code})
            if not closed.done():
                closed.set_result(code)

    factory = WebSocketClientFactory(url, origin=origin)
    factory.protocol = Client
    parts = urlsplit(url)
    await loop.create_connection(factory, parts.hostname, parts.port)
    # Runs until the server closes the socket or the parent closes our stdin.
    stdin_closed = loop.run_in_executor(None, sys.stdin.read)
    await asyncio.wait([closed, stdin_closed], return_when=asyncio.FIRST_COMPLETED)


if __name__ == "__main__":
    asyncio.run(listen(sys.argv[1], sys.argv[2]))
