"""Calibration endpoints, for managers and admins: the queue with its reviews, generating a
week on demand, reviewing an item, and the report (JSON, or CSV with ``?format=csv``)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import GenericViewSet
from core.api.permissions import IsManagerOrAdmin
from resolutions import report as reports
from resolutions.actions.calibration import Review, generate_queue, review_item
from resolutions.api import serializers as s
from resolutions.api.views import ERRORS, validated
from resolutions.models import CalibrationItem, CalibrationReason, ReviewStatus
from resolutions.periods import Week


class CSVRenderer(BaseRenderer):
    """Lets ``?format=csv`` reach the report; the report action writes the CSV itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return reports.as_csv(data) if isinstance(data, dict) and "trend" in data else b""


def week_of(text: str | None, *, default_last: bool = False) -> Week:
    if not text:
        now = Week.of(timezone.now())
        return now.shifted(-1) if default_last else now
    try:
        return Week.parse(text)
    except DjangoValidationError as error:
        raise ValidationError({"period": error.messages}) from error


def items():
    return CalibrationItem.objects.select_related(
        "ticket",
        "resolution__agent",
        "resolution__team",
        "resolution__approval__decided_by",
        "reviewed_by",
    ).order_by("period", "reason", "created_at", "id")


class CalibrationViewSet(GenericViewSet):
    """``/api/v1/calibration/``."""

    serializer_class = s.CalibrationItemSerializer
    permission_classes = [IsManagerOrAdmin]
    filter_backends: list = []
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        rows = items()
        params = self.request.query_params
        errors = {}
        if params.get("period"):
            rows = rows.filter(period=str(week_of(params["period"])))
        for name, choices in (("reason", CalibrationReason), ("review_status", ReviewStatus)):
            value = params.get(name)
            if value is None:
                continue
            if value not in choices.values:
                errors[name] = [f"Choose one of: {', '.join(choices.values)}."]
            else:
                rows = rows.filter(**{name: value})
        if errors:
            raise ValidationError(errors)
        return rows

    def finalize_response(self, request, response, *args, **kwargs):
        # An error is JSON in the error format, whatever format was asked for.
        if response.status_code >= 400 and hasattr(request, "accepted_renderer"):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        summary="The calibration queue with its reviews",
        parameters=[
            OpenApiParameter("period", description="ISO week, YYYY-Www"),
            OpenApiParameter("reason", enum=CalibrationReason.values),
            OpenApiParameter("review_status", enum=ReviewStatus.values),
        ],
        responses={200: s.CalibrationItemSerializer(many=True), 400: ERRORS, 403: ERRORS},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.CalibrationItemSerializer(page, many=True).data)

    @extend_schema(summary="One item", responses={200: s.CalibrationItemSerializer, 404: ERRORS})
    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(s.CalibrationItemSerializer(get_object_or_404(items(), pk=pk)).data)

    @extend_schema(
        summary="Review an item: upheld, revised (with revised_amount) or coaching_needed",
        request=s.ReviewSerializer,
        responses={
            200: s.CalibrationItemSerializer,
            400: ERRORS,
            403: ERRORS,
            404: ERRORS,
            409: ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk=None) -> Response:
        item = get_object_or_404(CalibrationItem.objects.all(), pk=pk)
        data = validated(s.ReviewSerializer, request)
        review_item(actor=request.user, item_id=item.pk, review=Review(**data))
        return Response(s.CalibrationItemSerializer(items().get(pk=item.pk)).data)

    @extend_schema(
        summary="Generate a week's queue now (default: last week); idempotent",
        request=s.GenerateSerializer,
        responses={200: OpenApiResponse(description='{"period", "created", "total"}'), 400: ERRORS},
    )
    @action(detail=False, methods=["post"])
    def generate(self, request: Request) -> Response:
        data = validated(s.GenerateSerializer, request)
        week = week_of(data.get("period"), default_last=True)
        done = generate_queue(actor=request.user, week=week, sample_size=data.get("sample_size"))
        return Response({"period": done.period, "created": done.created, "total": done.total})

    @extend_schema(
        summary="The calibration report of an ISO week (JSON, or CSV with ?format=csv)",
        parameters=[
            OpenApiParameter("period", description="ISO week, YYYY-Www (default: this week)"),
            OpenApiParameter("format", enum=["json", "csv"]),
        ],
        responses={200: OpenApiResponse(description="The report"), 400: ERRORS, 403: ERRORS},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="report",
        renderer_classes=[JSONRenderer, CSVRenderer],
    )
    def report(self, request: Request) -> Response | HttpResponse:
        week = week_of(request.query_params.get("period"))
        data = reports.build(week)
        if request.accepted_renderer.format == "csv":
            answer = HttpResponse(reports.as_csv(data), content_type="text/csv; charset=utf-8")
            answer["Content-Disposition"] = f'attachment; filename="calibration-{week}.csv"'
            return answer
        return Response(data, status=status.HTTP_200_OK)
