"""Base classes for every API view: throttles are checked before permissions.

DRF checks permissions first, so a caller refused with 401/403 is never counted and can hammer
an endpoint (guessing tokens or keys) for free. Our views count every call."""

from rest_framework import views, viewsets


class ThrottleFirstMixin:
    def initial(self, request, *args, **kwargs) -> None:
        self.format_kwarg = self.get_format_suffix(**kwargs)
        renderer, media_type = self.perform_content_negotiation(request)
        request.accepted_renderer, request.accepted_media_type = renderer, media_type
        version, scheme = self.determine_version(request, *args, **kwargs)
        request.version, request.versioning_scheme = version, scheme
        self.perform_authentication(request)
        self.check_throttles(request)
        self.check_permissions(request)


class APIView(ThrottleFirstMixin, views.APIView):
    pass


class GenericViewSet(ThrottleFirstMixin, viewsets.GenericViewSet):
    pass
