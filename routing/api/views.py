"""Routing endpoints: groups, rules, weights, decisions (viewsets calling routing.actions) and
``POST /api/v1/handlers/allocate``."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import APIView, GenericViewSet
from core.api.exceptions import error_response
from core.api.permissions import IsManagerAdminOrIntegration, IsStaffRole, ReadStaffWriteAdmin
from core.roles import Role, role_of
from routing import decide, selectors
from routing.actions import config, route
from routing.api.serializers import (
    AllocateSerializer,
    DecisionSerializer,
    GroupSerializer,
    RuleSerializer,
    WeightsSerializer,
)
from routing.models import RoutingRule, ScoringWeights
from routing.serializers_shape import decision_payload, dry_run_payload
from tickets.models import Ticket
from tickets.selectors import visible_tickets

ERRORS = OpenApiResponse(description='{"errors": {"<field>": ["message"]}}')


def _actor(request: Request):
    """The user to record in the audit log (an integration key is not a user)."""
    return None if role_of(request.user) == Role.INTEGRATION else request.user


@extend_schema_view(
    list=extend_schema(summary="Teams in the AssignmentGroup shape"),
    retrieve=extend_schema(summary="One team in the AssignmentGroup shape"),
)
class GroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    serializer_class = GroupSerializer
    permission_classes = [IsStaffRole]
    lookup_value_converter = "uuid"
    filterset_fields = ["status"]
    ordering_fields = ["name"]

    def get_queryset(self) -> QuerySet:
        return selectors.groups()


@extend_schema_view(
    list=extend_schema(summary="Routing rules, in order"),
    retrieve=extend_schema(summary="One routing rule"),
)
class RuleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, GenericViewSet
):
    serializer_class = RuleSerializer
    permission_classes = [ReadStaffWriteAdmin]
    filterset_fields = ["event", "active"]
    ordering_fields = ["order", "name"]

    def get_queryset(self) -> QuerySet:
        return RoutingRule.objects.order_by("order", "name")

    @extend_schema(
        summary="Create a rule (admin)",
        responses={201: RuleSerializer, 400: ERRORS, 403: ERRORS},
    )
    def create(self, request: Request) -> Response:
        serializer = RuleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = config.save_rule(actor=request.user, document=_rule_document(request.data))
        return Response(RuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Replace a rule (admin)",
        responses={200: RuleSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    def update(self, request: Request, pk=None) -> Response:
        rule = self.get_object()
        serializer = RuleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = config.save_rule(
            actor=request.user, document=_rule_document(request.data), rule=rule
        )
        return Response(RuleSerializer(rule).data)

    @extend_schema(
        summary="Change some fields of a rule (admin)",
        responses={200: RuleSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        rule = self.get_object()
        serializer = RuleSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        document = _rule_document(RuleSerializer(rule).data)
        document.update(_rule_document(request.data))
        if "action" in request.data:
            document.pop("actions", None)
        if "actions" in request.data:
            document.pop("action", None)
        rule = config.save_rule(actor=request.user, document=document, rule=rule)
        return Response(RuleSerializer(rule).data)

    def perform_destroy(self, instance: RoutingRule) -> None:
        config.delete_rule(actor=self.request.user, rule=instance)


def _rule_document(data) -> dict:
    keys = ("name", "order", "active", "stop", "trigger", "action", "actions")
    return {key: data[key] for key in keys if key in data}


@extend_schema_view(
    list=extend_schema(summary="Scoring weights (the default and per-category overrides)"),
    retrieve=extend_schema(summary="One set of scoring weights"),
)
class WeightsViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, GenericViewSet
):
    serializer_class = WeightsSerializer
    permission_classes = [ReadStaffWriteAdmin]
    filterset_fields = ["category"]

    def get_queryset(self) -> QuerySet:
        return ScoringWeights.objects.order_by("category")

    @extend_schema(
        summary="Add weights for a category (admin); the seven must sum to 1",
        responses={201: WeightsSerializer, 400: ERRORS, 403: ERRORS},
    )
    def create(self, request: Request) -> Response:
        serializer = WeightsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        weights = config.save_weights(
            actor=request.user, category=values.pop("category", ""), values=values
        )
        return Response(WeightsSerializer(weights).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change weights (admin); the seven must still sum to 1",
        responses={200: WeightsSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        weights = self.get_object()
        serializer = WeightsSerializer(weights, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        category = values.pop("category", weights.category)
        weights = config.save_weights(
            actor=request.user, category=category, values=values, weights=weights
        )
        return Response(WeightsSerializer(weights).data)

    def update(self, request: Request, pk=None) -> Response:
        return self.partial_update(request, pk)

    def perform_destroy(self, instance: ScoringWeights) -> None:
        config.delete_weights(actor=self.request.user, weights=instance)


@extend_schema_view(
    list=extend_schema(summary="Routing decisions, newest first (of tickets you may see)"),
    retrieve=extend_schema(summary="One routing decision"),
)
class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    serializer_class = DecisionSerializer
    permission_classes = [IsStaffRole]
    lookup_value_converter = "uuid"
    filterset_fields = ["ticket", "method", "team"]

    def get_queryset(self) -> QuerySet:
        return selectors.decisions().filter(ticket__in=visible_tickets(self.request.user))


class AllocateView(APIView):
    permission_classes = [IsManagerAdminOrIntegration]

    @extend_schema(
        summary="Allocate a ticket (persisted) or decide for a StandardTicket (dry run)",
        request=AllocateSerializer,
        responses={200: DecisionSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS, 409: ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = AllocateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "ticket" in data:
            prepared, decided_at = decide.dry_run(data=data["ticket"])
            return Response(dry_run_payload(prepared, decided_at))
        tickets = Ticket.objects.all()
        if role_of(request.user) == Role.INTEGRATION:
            tickets = tickets.filter(source=request.user.source)
        ticket = tickets.filter(pk=data["ticket_id"]).only("pk").first()
        if ticket is None:
            return error_response({"ticket_id": ["Not found."]}, status.HTTP_404_NOT_FOUND)
        decision = route.route_ticket(ticket_id=ticket.pk, reroute=True, actor=_actor(request))
        if decision is None:
            return error_response(
                {"ticket_id": ["The ticket is resolved or closed; it is not routed."]},
                status.HTTP_409_CONFLICT,
            )
        return Response(decision_payload(decision))
