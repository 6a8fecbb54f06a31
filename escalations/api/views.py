"""Envelope endpoints. Visibility comes from escalations.selectors (invisible: 404); every
write calls escalations.actions."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import GenericViewSet
from core.api.permissions import IsAnyRole
from escalations.actions import envelopes
from escalations.api import serializers as s
from escalations.filters import EnvelopeFilterSet
from escalations.models import Envelope
from escalations.selectors import envelope_thread, ticket_envelopes, visible_envelopes, with_related
from tickets.selectors import visible_tickets

ERRORS = OpenApiResponse(description='{"errors": {"<field>": ["message"]}}')
ACTION_RESPONSES = {200: s.EnvelopeSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS, 409: ERRORS}


def _input(serializer_class, request: Request) -> dict:
    data = request.data if request.data is not None else {}
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema_view(
    list=extend_schema(
        summary="The ticket's envelopes you may see",
        responses={200: s.EnvelopeSerializer(many=True), 404: ERRORS},
    ),
    create=extend_schema(
        summary="Open an envelope (the owner): bring a team and/or an agent in",
        description="The envelope starts `pending`; the ticket becomes `escalated`; the owner "
        "does not change.",
        request=s.EnvelopeCreateSerializer,
        responses={201: s.EnvelopeSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS, 409: ERRORS},
    ),
)
class TicketEnvelopeViewSet(GenericViewSet):
    """``/api/v1/tickets/<ticket_id>/envelopes/``."""

    serializer_class = s.EnvelopeSerializer
    permission_classes = [IsAnyRole]
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Envelope.objects.none()
        return ticket_envelopes(self.request.user, self._ticket())

    def _ticket(self):
        return get_object_or_404(visible_tickets(self.request.user), pk=self.kwargs["ticket_id"])

    def list(self, request: Request, ticket_id=None) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.EnvelopeSerializer(page, many=True).data)

    def create(self, request: Request, ticket_id=None) -> Response:
        ticket = self._ticket()
        data = _input(s.EnvelopeCreateSerializer, request)
        envelope = envelopes.open_envelope(ticket_id=ticket.pk, actor=request.user, **data)
        fresh = with_related(Envelope.objects.all()).get(pk=envelope.pk)
        return Response(s.EnvelopeSerializer(fresh).data, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Envelopes you may see (yours, your team's pending ones...)"),
    retrieve=extend_schema(
        summary="One envelope", responses={200: s.EnvelopeSerializer, 404: ERRORS}
    ),
)
class EnvelopeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """``/api/v1/envelopes/``: read, accept, the thread, complete, cancel."""

    serializer_class = s.EnvelopeSerializer
    permission_classes = [IsAnyRole]
    filterset_class = EnvelopeFilterSet
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["created_at"]
    lookup_value_converter = "uuid"

    def get_queryset(self):
        return with_related(visible_envelopes(self.request.user))

    def _respond(self, envelope: Envelope) -> Response:
        fresh = with_related(Envelope.objects.all()).get(pk=envelope.pk)
        return Response(s.EnvelopeSerializer(fresh).data)

    @extend_schema(
        summary="Take the envelope (the named agent or an agent of its team)",
        request=None,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk=None) -> Response:
        envelope = self.get_object()
        return self._respond(envelopes.accept_envelope(envelope_id=envelope.pk, actor=request.user))

    @extend_schema(
        methods=["GET"],
        summary="The envelope's thread",
        responses={200: s.TimelineEntrySerializer(many=True), 404: ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Write in the envelope's thread (visibility envelope_only)",
        request=s.EnvelopeEntryCreateSerializer,
        responses={
            201: s.TimelineEntrySerializer,
            400: ERRORS,
            403: ERRORS,
            404: ERRORS,
            409: ERRORS,
        },
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, ordering_fields=None)
    def entries(self, request: Request, pk=None) -> Response:
        envelope = self.get_object()
        if request.method == "POST":
            data = _input(s.EnvelopeEntryCreateSerializer, request)
            entry = envelopes.add_envelope_entry(
                envelope_id=envelope.pk, actor=request.user, content=data["content"]
            )
            return Response(s.TimelineEntrySerializer(entry).data, status.HTTP_201_CREATED)
        page = self.paginate_queryset(envelope_thread(envelope))
        return self.get_paginated_response(s.TimelineEntrySerializer(page, many=True).data)

    @extend_schema(
        summary="Complete with a summary (posted to the ticket's timeline as internal)",
        request=s.CompleteSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk=None) -> Response:
        envelope = self.get_object()
        data = _input(s.CompleteSerializer, request)
        return self._respond(
            envelopes.complete_envelope(
                envelope_id=envelope.pk, actor=request.user, summary=data["summary"]
            )
        )

    @extend_schema(
        summary="Cancel (the owner, a manager or an admin)",
        request=s.CancelSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        envelope = self.get_object()
        data = _input(s.CancelSerializer, request)
        return self._respond(
            envelopes.cancel_envelope(
                envelope_id=envelope.pk, actor=request.user, reason=data["reason"]
            )
        )
