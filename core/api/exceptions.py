"""One error shape for the whole API: ``{"errors": {"<field or non_field_errors>": [msg]}}``.

Domain errors from the actions are mapped here and nowhere else:
InvalidTransition / OwnershipLocked -> 409, NotPermitted -> 403, DomainValidationError -> 400.
"""

from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import (
    DomainError,
    DomainValidationError,
    InvalidTransition,
    NotPermitted,
    OwnershipLocked,
)

NON_FIELD = "non_field_errors"


def as_error_dict(detail) -> dict[str, list[str]]:
    """Flatten DRF's detail (str, list or nested dict) into field -> list of messages."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for field, value in detail.items():
            key = NON_FIELD if field in ("detail", "__all__") else str(field)
            flat.setdefault(key, []).extend(_messages(value))
        return flat
    return {NON_FIELD: _messages(detail)}


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}: {message}" for key, sub in value.items() for message in _messages(sub)]
    if isinstance(value, list | tuple):
        return [message for item in value for message in _messages(item)]
    return [str(value)]


def error_response(errors: dict[str, list[str]], code: int, headers=None) -> Response:
    return Response({"errors": errors}, status=code, headers=headers)


DOMAIN_STATUS = (
    (InvalidTransition, status.HTTP_409_CONFLICT),
    (OwnershipLocked, status.HTTP_409_CONFLICT),
    (NotPermitted, status.HTTP_403_FORBIDDEN),
    (DomainValidationError, status.HTTP_400_BAD_REQUEST),
)


def handler(exc, context) -> Response | None:
    if isinstance(exc, AxesBackendPermissionDenied):
        return error_response(
            {NON_FIELD: ["Too many failed sign-ins; try again later."]},
            status.HTTP_429_TOO_MANY_REQUESTS,
            {"Retry-After": str(int(settings.AXES_COOLOFF_TIME * 3600))},
        )
    if isinstance(exc, DomainError):
        return _domain_response(exc)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, ObjectDoesNotExist):
        exc = Http404()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handler answers (JSON for /api/)
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and "Retry-After" not in response:
        response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME * 3600))
    headers = {
        name: value
        for name, value in response.headers.items()
        if name in ("WWW-Authenticate", "Retry-After", "Allow")
    }
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        errors = {NON_FIELD: [authentication_message(exc.detail)]}
    elif isinstance(exc, Http404 | exceptions.NotFound):
        errors = {NON_FIELD: ["Not found."]}
    elif isinstance(exc, PermissionDenied | exceptions.PermissionDenied):
        errors = {NON_FIELD: [str(getattr(exc, "detail", "Permission denied."))]}
    else:
        errors = as_error_dict(response.data)
    return error_response(errors, response.status_code, headers)


def authentication_message(detail) -> str:
    """One plain sentence. simplejwt's InvalidToken carries a dict (detail, code and one entry
    per token class tried); only its words are for the client."""
    if not isinstance(detail, dict):
        return str(detail)
    message = str(detail.get("detail", "Invalid credentials")).rstrip(".")
    reasons = [str(entry["message"]) for entry in detail.get("messages", []) if "message" in entry]
    return f"{message}: {reasons[0]}." if reasons else f"{message}."


def _domain_response(exc: DomainError) -> Response:
    if isinstance(exc, DomainValidationError):
        return error_response(exc.errors, status.HTTP_400_BAD_REQUEST)
    for kind, code in DOMAIN_STATUS:
        if isinstance(exc, kind):
            return error_response({NON_FIELD: [str(exc)]}, code)
    return error_response({NON_FIELD: [str(exc)]}, status.HTTP_409_CONFLICT)
