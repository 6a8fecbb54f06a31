"""The Permissions-Policy header on every response: browser features the pages never use
(camera, microphone, geolocation, ...) are denied to them and to anything they could embed, so
injected or third-party code cannot ask for them either.

Configured by ``settings.PERMISSIONS_POLICY``: feature -> allowlist, where an empty list denies
the feature everywhere, ``"self"`` and ``"*"`` stand for themselves and anything else is an
origin. A header the view set itself is kept.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Permissions-Policy"


def _allowlist(origins) -> str:
    tokens = [origin if origin in ("self", "*") else f'"{origin}"' for origin in origins]
    return "*" if tokens == ["*"] else "(" + " ".join(tokens) + ")"


def permissions_policy(features: dict) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` -> ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{feature}={_allowlist(origins)}" for feature, origins in features.items())


class PermissionsPolicyMiddleware:
    # Sync only, like the rest of the chain (itsm.asgi_handler runs it in one thread).
    sync_capable = True
    async_capable = False

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.value = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.value and HEADER not in response:
            response[HEADER] = self.value
        return response
