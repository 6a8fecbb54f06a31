"""A bound on the HTTP requests one server process runs at a time.

daphne hands every request to Django at once, and Django runs each sync view in a thread of
its own: with 16 deliveries in flight, 16 threads share one interpreter lock and the switching
costs more CPU than it serves (a webhook delivery took 24-28 ms of server CPU at 16 in
flight against 20 ms at 4). Requests beyond the limit wait in the event loop, which costs
nothing, and enter in arrival order. Websockets are not limited.

The default, twice the CPU count, measured best on the 2-core benchmark machine
(docs/benchmarks.md, "Webhook ingestion"). A slow client holds a slot while its response
streams out, so behind no buffering proxy a larger value may suit; 0 turns the limit off.
"""

import asyncio
import weakref


class ConcurrencyLimit:
    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit
        # One semaphore per event loop (tests run several loops in one process).
        self._slots: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def __call__(self, scope, receive, send) -> None:
        if self.limit <= 0:
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        slots = self._slots.get(loop)
        if slots is None:
            slots = self._slots.setdefault(loop, asyncio.Semaphore(self.limit))
        async with slots:
            await self.app(scope, receive, send)
