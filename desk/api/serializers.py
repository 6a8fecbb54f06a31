"""The ticket as the API shows it: its fields with the requester, team, owner, flags, the SLA
clock (sla) and the latest routing decision (routing)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import PersonSerializer, SharedFields
from escalations.selectors import visible_envelopes
from routing.api.serializers import DecisionSerializer
from routing.selectors import latest_decisions
from routing.serializers_shape import decision_payload
from sla.selectors import sla_payload
from tickets.api.serializers import RequesterSerializer, TaskCreateSerializer, TeamRefSerializer
from tickets.models import Ticket


class SlaSerializer(serializers.Serializer):
    policy = serializers.CharField(allow_null=True)
    first_response_due = serializers.DateTimeField(allow_null=True)
    resolution_due = serializers.DateTimeField(allow_null=True)
    state = serializers.ChoiceField(choices=["ok", "warning", "breached", "paused", "met"])
    paused = serializers.BooleanField()


class TicketSerializer(SharedFields, serializers.ModelSerializer):
    requester = RequesterSerializer(read_only=True)
    team = TeamRefSerializer(read_only=True, allow_null=True)
    owner = PersonSerializer(read_only=True, allow_null=True)
    flags = serializers.SerializerMethodField()
    sla = serializers.SerializerMethodField()
    allocation = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "reference",
            "type",
            "status",
            "title",
            "description",
            "category",
            "priority",
            "urgency",
            "impact",
            "source",
            "external_id",
            "requester",
            "team",
            "owner",
            "sla",
            "priority_score",
            "flags",
            "allocation",
            "resolution",
            "created_at",
            "updated_at",
            "accepted_at",
            "resolved_at",
            "closed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_flags(self, ticket: Ticket) -> list[str]:
        return [flag.kind for flag in ticket.flags.all()]

    @extend_schema_field(SlaSerializer(allow_null=True))
    def get_sla(self, ticket: Ticket) -> dict | None:
        return sla_payload(ticket)

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_allocation(self, ticket: Ticket) -> dict | None:
        """The latest routing decision, as POST /api/v1/handlers/allocate returns it."""
        decisions = getattr(ticket, "latest_allocation_decisions", None)
        if decisions is None:  # not prefetched (a single ticket): one query
            decisions = latest_decisions([ticket.pk]).get(ticket.pk)
            decisions = [decisions] if decisions is not None else []
        return decision_payload(decisions[0]) if decisions else None


class TicketTaskCreateSerializer(TaskCreateSerializer):
    """A task on a ticket, under one of its envelopes that the caller may see."""

    def validate_envelope(self, envelope_id):
        """An envelope of this ticket (the view's ``pk``) that the caller may see."""
        if envelope_id is None:
            return None
        request, view = self.context.get("request"), self.context.get("view")
        ticket_id = view.kwargs.get("pk") if view is not None else None
        envelope = None
        if request is not None and ticket_id is not None:
            envelope = (
                visible_envelopes(request.user).filter(pk=envelope_id, ticket_id=ticket_id).first()
            )
        if envelope is None:
            raise serializers.ValidationError("Unknown envelope.")
        return envelope
