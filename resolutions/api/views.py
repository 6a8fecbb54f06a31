"""Resolution and approval endpoints. Tickets come from tickets.selectors.visible_tickets (a
ticket the caller may not see: 404); every write calls resolutions.actions."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import GenericViewSet
from core.api.permissions import IsStaffRole
from resolutions.actions import approvals
from resolutions.actions.resolutions import NewResolution, create_resolution
from resolutions.api import serializers as s
from resolutions.models import ApprovalRequest, ApprovalStatus, Resolution
from resolutions.selectors import approval_queue, ticket_resolutions, with_related
from tickets.selectors import visible_tickets

ERRORS = OpenApiResponse(description='{"errors": {"<field>": ["message"]}}')


def validated(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data if request.data is not None else {})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class TicketResolutionViewSet(GenericViewSet):
    """``/api/v1/tickets/<ticket_id>/resolutions/``: list and record."""

    serializer_class = s.ResolutionSerializer
    permission_classes = [IsStaffRole]
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Resolution.objects.none()
        return ticket_resolutions(self._ticket())

    def _ticket(self):
        return get_object_or_404(visible_tickets(self.request.user), pk=self.kwargs["ticket_id"])

    @extend_schema(
        summary="The ticket's resolutions, newest first",
        responses={200: s.ResolutionSerializer(many=True), 404: ERRORS},
    )
    def list(self, request: Request, ticket_id=None) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.ResolutionSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a resolution (the owner or a manager)",
        description="The tier is computed from the amount and the owner's team's empowerment "
        "limits: `agent` is approved at once; `team_lead` and `manager` start "
        "`pending_approval` and wait in /api/v1/approvals/.",
        request=s.ResolutionCreateSerializer,
        responses={201: s.ResolutionSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    def create(self, request: Request, ticket_id=None) -> Response:
        ticket = self._ticket()
        data = validated(s.ResolutionCreateSerializer, request)
        resolution = create_resolution(
            actor=request.user, ticket_id=ticket.pk, data=NewResolution(**data)
        )
        fresh = ticket_resolutions(ticket).get(pk=resolution.pk)
        return Response(s.ResolutionSerializer(fresh).data, status.HTTP_201_CREATED)


class ApprovalViewSet(GenericViewSet):
    """``/api/v1/approvals/``: a lead's or a manager's queue; approve and reject."""

    serializer_class = s.ApprovalSerializer
    permission_classes = [IsStaffRole]
    filter_backends: list = []
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApprovalRequest.objects.none()
        wanted = self.request.query_params.get("status", ApprovalStatus.PENDING)
        if wanted not in ApprovalStatus.values:
            raise ValidationError(
                {"status": [f"Choose one of: {', '.join(ApprovalStatus.values)}."]}
            )
        return approval_queue(self.request.user, status=wanted)

    @extend_schema(
        summary="The approvals you may decide (pending by default)",
        parameters=[OpenApiParameter("status", enum=ApprovalStatus.values)],
        responses={200: s.ApprovalSerializer(many=True), 400: ERRORS},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.ApprovalSerializer(page, many=True).data)

    def _visible(self, pk) -> ApprovalRequest:
        """An approval on a ticket the caller may not see is not found."""
        tickets = visible_tickets(self.request.user).values("pk")
        return get_object_or_404(
            ApprovalRequest.objects.filter(resolution__ticket__in=tickets), pk=pk
        )

    def _answer(self, approval: ApprovalRequest) -> Response:
        fresh = with_related(ApprovalRequest.objects.filter(pk=approval.pk)).get()
        return Response(s.ApprovalSerializer(fresh).data)

    @extend_schema(
        summary="Approve (a lead of the team for tier 2, a manager for tiers 2 and 3)",
        request=s.DecisionSerializer,
        responses={200: s.ApprovalSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS, 409: ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk=None) -> Response:
        approval = self._visible(pk)
        data = validated(s.DecisionSerializer, request)
        return self._answer(approvals.approve(actor=request.user, approval_id=approval.pk, **data))

    @extend_schema(
        summary="Reject, with a reason (required)",
        request=s.DecisionSerializer,
        responses={200: s.ApprovalSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS, 409: ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk=None) -> Response:
        approval = self._visible(pk)
        data = validated(s.DecisionSerializer, request)
        return self._answer(approvals.reject(actor=request.user, approval_id=approval.pk, **data))
