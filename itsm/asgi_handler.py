"""Django's ASGI handler, made to end every request, even one whose response could not be built.

Django sends ``request_finished`` (which returns the request's database connection to the pool)
when the response is closed. If building the response raised instead (the 500 page itself
failing, say a missing static manifest entry under DEBUG off), no response exists, the signal
is never sent, and the connection stays checked out of the pool with the request's thread gone:
ten such requests and every later one waits for a connection that never comes back. Here the
signal is sent anyway, inside the request's thread-sensitive context, so the receivers run in
the thread that holds the connection.
"""

import logging

from django.core import signals
from django.core.handlers.asgi import ASGIHandler

logger = logging.getLogger(__name__)


class FinishingASGIHandler(ASGIHandler):
    async def handle(self, scope, receive, send) -> None:
        try:
            await super().handle(scope, receive, send)
        except Exception:
            logger.exception("request ended without a response: %s", scope.get("path", ""))
            await signals.request_finished.asend(sender=self.__class__)
            raise


def get_finishing_asgi_application() -> FinishingASGIHandler:
    """``django.core.asgi.get_asgi_application`` with the handler above."""
    import django

    django.setup(set_prefix=False)
    return FinishingASGIHandler()
