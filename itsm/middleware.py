"""The last middleware: it is sync-only on purpose.

Under ASGI Django runs each middleware in the mode of the one below it when it can: with a
sync-only middleware at the bottom, every middleware above runs synchronously in one thread,
and a request costs three thread hand-offs (into the thread, out for the async core, back in
for the sync view). Without it, each old-style middleware hook (sessions, CSRF, auth, messages,
...) ran through its own ``sync_to_async`` hand-off, a dozen per request, and the hand-offs
cost more CPU than the middleware (docs/benchmarks.md, "Webhook ingestion"). Under WSGI it is a
plain pass-through.
"""

from django.http import HttpRequest, HttpResponse


class SyncChainMiddleware:
    sync_capable = True
    async_capable = False

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
