"""Django's ASGI handler, with a request's sync work done in one hand-off to a kept thread.

Django's own handler loads the middleware for async and runs this project's sync chain and
views through ``asgiref``: a new thread for every request (a ``ThreadSensitiveContext`` makes
an executor per request and shuts it down after), and five hand-offs between the event loop
and that thread (the request-started signal, the chain, out again for the async core, back
in for the view, the response's close). Every piece here is sync, so the chain is loaded for
sync, as under WSGI, and a request costs one hand-off: the started signal, the chain, the
view and, for an answer built in memory (all of the API's and the pages'), the close with
its ``request_finished``, all in one call on a thread of a pool kept for the process
(``HTTP_CONCURRENCY`` threads, the requests that run at once; docs/benchmarks.md, "One
hand-off per request"). A streamed answer (a file) is closed after it is sent, in a second
call, and its thread gives its database connections back before it is sent.

A request ends even when its response could not be built (the 500 page itself failing, say
a missing static manifest entry under DEBUG off): ``request_finished``, which returns the
request's database connection to the pool, is then sent in the thread that holds the
connection, before the error goes up. Without it ten such requests would leave every later
one waiting for a connection that never comes back.
"""

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from typing import IO

from asgiref.sync import sync_to_async
from django import db
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix

logger = logging.getLogger(__name__)
# Without a concurrency limit (HTTP_CONCURRENCY=0) requests beyond this wait for a thread.
UNLIMITED_THREADS = 32


class OneHandOffASGIHandler(ASGIHandler):
    def __init__(self, threads: int) -> None:
        BaseHandler.__init__(self)  # not ASGIHandler's: it loads the chain for async
        self.load_middleware(is_async=False)
        self.threads = threads if threads > 0 else UNLIMITED_THREADS
        self.executor = ThreadPoolExecutor(self.threads, thread_name_prefix="request")

    # __call__ stays Django's (instrumentation such as Sentry's wraps it); its per-request
    # ThreadSensitiveContext costs nothing here, no thread-sensitive call being made in it.

    async def handle(self, scope, receive, send) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:  # the client left before its body arrived
            return
        try:
            response = await self._in_thread(self.respond, scope, body_file)
            try:
                await self.send_response(response, send)
            finally:  # a file is closed even if the client or the server went first
                if response.streaming:
                    await self._in_thread(response.close)
        finally:
            body_file.close()

    def _in_thread(self, function, *args):
        return sync_to_async(function, thread_sensitive=False, executor=self.executor)(*args)

    def create_request(self, scope, body_file):
        """Django's request, told the length of a body that came without one.

        A chunked body reaches the application de-chunked (daphne and uvicorn alike), with no
        content-length header, and Django's ASGIRequest then sets no CONTENT_LENGTH: DRF reads
        such a request's data as empty, Django's multipart parser too, and the size limit
        (core.api.middleware) cannot refuse it before reading it. The whole body is already
        in ``body_file`` (read_body), so its size is its length, as a header would have said.
        """
        request, response = super().create_request(scope, body_file)
        if request is not None and "CONTENT_LENGTH" not in request.META:
            size = spooled_size(body_file)
            if size:
                request.META["CONTENT_LENGTH"] = str(size)
        return request, response

    def respond(self, scope, body_file) -> HttpResponseBase:
        """Everything sync of one request, in the calling (pool) thread."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        try:
            request, response = self.create_request(scope, body_file)
            if request is not None:
                response = self.get_response(request)
                response._handler_class = self.__class__
                if isinstance(response, FileResponse):
                    response.block_size = self.chunk_size
        except BaseException:
            logger.exception("request ended without a response: %s", scope.get("path", ""))
            signals.request_finished.send(sender=self.__class__)
            raise
        if not response.streaming:
            response.close()  # request_finished here, where the connection lives
        else:
            # Closed after it is sent, maybe on another of the threads: the connections this
            # one holds go back now, as request_finished would give them back.
            db.close_old_connections()
        return response


def spooled_size(body_file: IO[bytes]) -> int:
    """The size of a body read whole into a file, which is left at its start."""
    size = body_file.seek(0, os.SEEK_END)
    body_file.seek(0)
    return size


def get_asgi_application() -> OneHandOffASGIHandler:
    """``django.core.asgi.get_asgi_application`` with the handler above: a thread for each
    request that may run at once (settings.HTTP_CONCURRENCY, itsm.asgi_limits)."""
    import django
    from django.conf import settings

    django.setup(set_prefix=False)
    return OneHandOffASGIHandler(settings.HTTP_CONCURRENCY)
