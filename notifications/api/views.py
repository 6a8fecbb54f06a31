"""``/api/v1/notifications/``: the caller's own in-app notifications, read/unread marking, and
the caller's notification preferences. Nobody sees anyone else's (another's id answers 404)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from core.api.base import APIView, GenericViewSet
from core.api.permissions import IsAnyRole, IsStaffRole
from core.exceptions import DomainValidationError
from notifications import policy, selectors
from notifications.actions import inbox, preferences
from notifications.api.serializers import (
    NotificationSerializer,
    PreferenceSerializer,
    ReadAllSerializer,
)
from notifications.models import AGENT_EVENTS, NotificationPreference


class NotificationViewSet(mixins.ListModelMixin, GenericViewSet):
    serializer_class = NotificationSerializer
    permission_classes = [IsAnyRole]
    filter_backends: list = []

    def get_queryset(self):
        notes = selectors.notifications_for(self.request.user)
        unread = self.request.query_params.get("unread", "").lower()
        if unread in ("1", "true", "yes"):
            notes = notes.filter(read_at__isnull=True)
        elif unread in ("0", "false", "no"):
            notes = notes.filter(read_at__isnull=False)
        return notes

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="Only unread (or read) ones.")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=NotificationSerializer)
    def read(self, request, pk=None):
        note = inbox.mark_read(user=request.user, notification_id=pk)
        return Response(NotificationSerializer(note).data)

    @extend_schema(request=None, responses=NotificationSerializer)
    def unread(self, request, pk=None):
        note = inbox.mark_unread(user=request.user, notification_id=pk)
        return Response(NotificationSerializer(note).data)

    @extend_schema(request=None, responses=ReadAllSerializer)
    def read_all(self, request):
        return Response({"marked": inbox.mark_all_read(user=request.user)})


class PreferenceListView(APIView):
    """Every agent event type with the caller's choice, or the default (``is_default``)."""

    permission_classes = [IsStaffRole]

    @extend_schema(responses=PreferenceSerializer(many=True))
    def get(self, request):
        own = {
            pref.event_type: pref
            for pref in NotificationPreference.objects.filter(user=request.user)
        }
        rows = [_describe(event, own.get(event)) for event in sorted(AGENT_EVENTS)]
        return Response(PreferenceSerializer(rows, many=True).data)


class PreferenceDetailView(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def put(self, request, event_type: str):
        if event_type not in AGENT_EVENTS:
            raise DomainValidationError({"event_type": [f"{event_type!r} is not an agent event."]})
        serializer = PreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pref = preferences.set_preference(
            user=request.user, event_type=event_type, **serializer.validated_data
        )
        return Response(PreferenceSerializer(_describe(event_type, pref)).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, event_type: str):
        """Back to the default for this event type."""
        NotificationPreference.objects.filter(user=request.user, event_type=event_type).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


def _describe(event_type: str, pref: NotificationPreference | None) -> dict:
    plan = pref.as_plan() if pref else policy.plan_for(event_type, None)
    return {
        "event_type": event_type,
        "email": policy.EMAIL in plan.channels,
        "in_app": policy.IN_APP in plan.channels,
        "teams": policy.TEAMS in plan.channels,
        "slack": policy.SLACK in plan.channels,
        "timing": plan.timing,
        "is_default": pref is None,
    }
