"""Request-size limit with a real 413 (Django's own RequestDataTooBig answers 400)."""

import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from core.api.error_format import json_error


class BodySizeLimitMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if any(re.match(pattern, request.path) for pattern in settings.LARGE_BODY_PATHS):
            # Uploads: the file may be larger; multipart parsing streams it to disk.
            limit = settings.ATTACHMENT_MAX_BYTES + 64 * 1024
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return json_error("Invalid Content-Length header.", 400)
        if limit is not None and (
            declared > limit or self._undeclared_body_too_big(request, limit)
        ):
            return json_error(f"Request body over {limit} bytes.", 413)
        return self.get_response(request)

    @staticmethod
    def _undeclared_body_too_big(request: HttpRequest, limit: int) -> bool:
        """A body without a Content-Length: measure it (the server has buffered it).

        itsm.asgi_handler gives a chunked body its length, so this is for requests made
        otherwise. Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE at all: that
        refusal (RequestDataTooBig, which Django answers 400) is this limit's 413 too.
        """
        if "CONTENT_LENGTH" in request.META or request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        try:
            return len(request.body) > limit
        except RequestDataTooBig:
            return True
