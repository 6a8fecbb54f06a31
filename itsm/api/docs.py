"""/api/schema/ and /api/docs/: for signed-in callers (session or JWT) unless the deployment
sets ``API_DOCS_PUBLIC``. The document maps every operation, so it is not handed to anyone who
asks. Anonymous schema requests get the API's 401; the docs page, a browser page, sends the
visitor to sign in.

The docs are Swagger UI's split view: the page loads its init script from ``?script`` instead
of carrying it inline, so the page runs under the site's strict Content-Security-Policy; the
template (templates/drf_spectacular/swagger_ui.html) takes its styles from a static file.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer


class SignedInUnlessPublic(BasePermission):
    """A signed-in person; an integration key opens its two doors and nothing else (API.md).
    Read at each request, so the setting can change without a restart (and in tests)."""

    def has_permission(self, request, view) -> bool:
        if settings.API_DOCS_PUBLIC:
            return True
        user = request.user
        return bool(user and user.is_authenticated and not getattr(user, "is_integration", False))


class SchemaView(SpectacularAPIView):
    permission_classes = [SignedInUnlessPublic]

    def handle_exception(self, exc):
        # Refusals in the API's JSON error format, whatever schema format was asked for (the
        # negotiated OpenAPI renderers would write the error as YAML).
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class DocsView(SpectacularSwaggerSplitView):
    permission_classes = [SignedInUnlessPublic]

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
