"""SLA endpoints: declarative viewsets whose writes call sla.actions / sla.reminders."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import GenericViewSet
from core.api.permissions import IsStaffRole, ReadStaffWriteAdmin
from sla import selectors
from sla.actions import policies, reminders
from sla.api import serializers as s
from sla.models import Reminder, SLAPolicy

ERRORS = OpenApiResponse(description='{"errors": {"<field>": ["message"]}}')


def _input(serializer_class, request: Request, **kwargs) -> dict:
    data = request.data if request.data is not None else {}
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema_view(
    list=extend_schema(summary="SLA policies"),
    retrieve=extend_schema(
        summary="One SLA policy", responses={200: s.PolicySerializer, 404: ERRORS}
    ),
)
class PolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    serializer_class = s.PolicySerializer
    permission_classes = [ReadStaffWriteAdmin]
    filterset_fields = ["is_active", "priority", "tier", "type"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name"]

    def get_queryset(self):
        return SLAPolicy.objects.select_related("calendar")

    def _respond(self, policy: SLAPolicy, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.PolicySerializer(self.get_queryset().get(pk=policy.pk)).data, code)

    @extend_schema(
        summary="Create an SLA policy (admin); open clocks are recomputed",
        request=s.PolicyInputSerializer,
        responses={201: s.PolicySerializer, 400: ERRORS, 403: ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = _input(s.PolicyInputSerializer, request)
        policy = policies.save_policy(actor=request.user, policy=SLAPolicy(**data))
        return self._respond(policy, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an SLA policy (admin); open clocks are recomputed",
        request=s.PolicyInputSerializer,
        responses={200: s.PolicySerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        policy = self.get_object()
        data = _input(s.PolicyInputSerializer, request, partial=True)
        for name, value in data.items():
            setattr(policy, name, value)
        return self._respond(policies.save_policy(actor=request.user, policy=policy))


@extend_schema_view(
    list=extend_schema(summary="Business calendars"),
    retrieve=extend_schema(summary="One business calendar"),
)
class CalendarViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    serializer_class = s.CalendarSerializer
    permission_classes = [ReadStaffWriteAdmin]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.calendars_with_hours()


@extend_schema_view(
    list=extend_schema(summary="Your reminders"),
    retrieve=extend_schema(
        summary="One of your reminders", responses={200: s.ReminderSerializer, 404: ERRORS}
    ),
)
class ReminderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """The caller's own follow-ups; anyone else's answer 404."""

    serializer_class = s.ReminderSerializer
    permission_classes = [IsStaffRole]
    filterset_fields = ["status", "kind", "ticket"]
    ordering_fields = ["trigger_at", "created_at"]
    ordering = ["trigger_at"]
    lookup_value_converter = "uuid"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Reminder.objects.none()
        return selectors.reminders_of(self.request.user)

    def _respond(self, reminder: Reminder, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.ReminderSerializer(self.get_queryset().get(pk=reminder.pk)).data, code)

    @extend_schema(
        summary="Schedule a follow-up on a ticket (once, or daily / weekly / monthly)",
        request=s.ReminderInputSerializer,
        responses={201: s.ReminderSerializer, 400: ERRORS, 403: ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = _input(s.ReminderInputSerializer, request)
        reminder = reminders.schedule_reminder(
            actor=request.user, ticket_id=data.pop("ticket"), **data
        )
        return self._respond(reminder, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change message, time or recurrence",
        request=s.ReminderUpdateSerializer,
        responses={200: s.ReminderSerializer, 400: ERRORS, 404: ERRORS},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        reminder = self.get_object()
        changes = _input(s.ReminderUpdateSerializer, request)
        return self._respond(
            reminders.reschedule_reminder(
                actor=request.user, reminder_id=reminder.pk, changes=changes
            )
        )

    @extend_schema(summary="Cancel", request=None, responses={204: None, 404: ERRORS})
    def destroy(self, request: Request, pk=None) -> Response:
        reminder = self.get_object()
        reminders.cancel_reminder(actor=request.user, reminder_id=reminder.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Snooze: fire again after `minutes` or at `until`",
        request=s.SnoozeSerializer,
        responses={200: s.ReminderSerializer, 400: ERRORS, 404: ERRORS},
    )
    @action(detail=True, methods=["post"])
    def snooze(self, request: Request, pk=None) -> Response:
        reminder = self.get_object()
        data = _input(s.SnoozeSerializer, request)
        until = data.get("until") or timezone.now() + timedelta(minutes=data["minutes"])
        return self._respond(
            reminders.snooze_reminder(actor=request.user, reminder_id=reminder.pk, until=until)
        )

    @extend_schema(
        summary="Mark done (ends a recurring series)",
        request=s.EmptySerializer,
        responses={200: s.ReminderSerializer, 400: ERRORS, 404: ERRORS},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk=None) -> Response:
        reminder = self.get_object()
        _input(s.EmptySerializer, request)
        return self._respond(
            reminders.complete_reminder(actor=request.user, reminder_id=reminder.pk)
        )
