"""Auth endpoints and the JSON answers for errors raised before DRF sees a request."""

import logging

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.http import HttpRequest, HttpResponseServerError
from django.views import csrf as csrf_views
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import APIException
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from core.api.error_format import is_api_path, json_error
from core.api.throttling import TokenRateThrottle

logger = logging.getLogger(__name__)

FALLBACK_500 = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Server error</title>'
    "</head><body><h1>Something went wrong</h1><p>The service desk could not answer this "
    'request. The error was logged; try again in a moment.</p><p><a href="/">Back to the '
    "start</a></p></body></html>"
)


class LoginLocked(APIException):
    status_code = 429
    default_detail = "Too many failed sign-ins; try again later."
    default_code = "locked"


class LockoutAwareTokenSerializer(TokenObtainPairSerializer):
    """Refuses a locked-out username/address before checking the password (django-axes).

    Django's authenticate() turns the backend's lockout into a plain failure (401), so the
    lock is checked here, on the underlying HttpRequest that axes keys its records on."""

    def validate(self, attrs: dict) -> dict:
        request = self.context["request"]
        http_request = getattr(request, "_request", request)
        credentials = {"username": attrs.get(self.username_field)}
        if AxesProxyHandler.is_locked(http_request, credentials):
            raise LoginLocked()
        self.context["request"] = http_request
        return super().validate(attrs)


ERRORS = OpenApiResponse(description='{"errors": {"<field>": ["message"]}}')


@extend_schema(
    summary="Sign in: a short-lived access token and a refresh token",
    description="Bad credentials: 401. Repeated failures lock the username from this address "
    "for a cool-off period: 429.",
    responses={401: ERRORS, 429: ERRORS},
)
class TokenView(TokenObtainPairView):
    serializer_class = LockoutAwareTokenSerializer
    throttle_classes = [TokenRateThrottle]


@extend_schema(
    summary="A new access token (the refresh token rotates; the old one is blacklisted)",
    responses={401: ERRORS},
)
class RefreshView(TokenRefreshView):
    throttle_classes = [TokenRateThrottle]


def not_found(request: HttpRequest, exception=None):
    if is_api_path(request.path):
        return json_error("Not found.", 404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception=None):
    if is_api_path(request.path):
        return json_error("Bad request.", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception=None):
    if is_api_path(request.path):
        return json_error("Permission denied.", 403)
    return defaults.permission_denied(request, exception)


def csrf_failure(request: HttpRequest, reason: str = ""):
    if is_api_path(request.path):
        return json_error(f"CSRF check failed: {reason.rstrip('.') or 'no valid token'}.", 403)
    return csrf_views.csrf_failure(request, reason=reason)


def server_error(request: HttpRequest):
    if is_api_path(request.path):
        return json_error("Internal error; it has been logged.", 500)
    try:
        return defaults.server_error(request)
    except Exception:
        # The error page itself failed (a missing static manifest entry, a broken template):
        # answer anyway, or the request would end without a response.
        logger.exception("the 500 page could not be rendered")
        return HttpResponseServerError(FALLBACK_500, content_type="text/html; charset=utf-8")


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: JSON for the API, a page for browsers."""
    retry_after = str(int(settings.AXES_COOLOFF_TIME * 3600))
    if is_api_path(request.path):
        response = json_error(LoginLocked.default_detail, 429)
    else:
        from django.shortcuts import render

        response = render(request, "registration/locked_out.html", status=429)
    response["Retry-After"] = retry_after
    return response
