"""A view for tests/itsm/test_chunked_asgi.py: what DRF parsed of a request's body, and the
length Django was told."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class Echo(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        return Response(
            {"data": request.data, "content_length": request.META.get("CONTENT_LENGTH")}
        )


urlpatterns = [path("api/echo/", Echo.as_view())]
