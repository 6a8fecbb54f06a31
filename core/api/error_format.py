"""The API's error format for 4xx answers made outside DRF.

DRF's exception handler (core.api.exceptions) shapes what views raise. Other layers answer on
their own: Django's handlers and middleware (CSRF, bad multipart bodies, disallowed hosts), and
Django's ASGI handler before any middleware runs (a query string that is not UTF-8 is a bare
400, an oversized body a text 413). Both wrappers here reshape such answers on /api/ paths into
``{"errors": {"non_field_errors": ["<plain message>"]}}`` with the same status and headers.
"""

import json
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"
# Headers that carry meaning for the client and survive the reshaping.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary")


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def plain_message(status: int) -> str:
    try:
        return f"{HTTPStatus(status).phrase}."
    except ValueError:
        return "Request refused."


def json_error(message: str, status: int) -> JsonResponse:
    """The error format outside DRF: one plain message under non_field_errors."""
    return JsonResponse({"errors": {"non_field_errors": [message]}}, status=status)


def error_body(message: str) -> bytes:
    return json.dumps({"errors": {"non_field_errors": [message]}}).encode()


def needs_reshaping(status: int, content_type: str) -> bool:
    return 400 <= status < 500 and not content_type.startswith("application/json")


class ApiErrorFormatMiddleware:
    """Outermost Django middleware: every non-JSON 4xx on /api/ becomes the error format."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api_path(request.path) or not needs_reshaping(
            response.status_code, response.get("Content-Type", "")
        ):
            return response
        reshaped = json_error(plain_message(response.status_code), response.status_code)
        for name in KEPT_HEADERS:
            if name in response:
                reshaped[name] = response[name]
        return reshaped


class ApiErrorFormatASGI:
    """The same for answers Django's ASGI handler makes before the middleware chain."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not is_api_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        held: dict = {}

        async def reshaping_send(message) -> None:
            if message["type"] == "http.response.start":
                content_type = _header(message, b"content-type").decode("latin-1")
                if needs_reshaping(message["status"], content_type):
                    held["start"] = message
                    return
            elif message["type"] == "http.response.body" and "start" in held:
                if message.get("more_body"):
                    return  # the original body is dropped; ours goes with the last message
                await _send_error(send, held.pop("start"))
                return
            await send(message)

        await self.app(scope, receive, reshaping_send)


def _header(start: dict, lowered: bytes) -> bytes:
    """A header's value by its name in any case: Django's handler sends names as the response
    set them ("Content-Type"), servers and other apps send them lowercased."""
    for name, value in start.get("headers") or []:
        if name.lower() == lowered:
            return value
    return b""


async def _send_error(send, start: dict) -> None:
    body = error_body(plain_message(start["status"]))
    kept = {name.lower().encode() for name in KEPT_HEADERS}
    headers = [(name, value) for name, value in start.get("headers") or [] if name.lower() in kept]
    headers += [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": start["status"], "headers": headers})
    await send({"type": "http.response.body", "body": body})
