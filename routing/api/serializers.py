"""Routing API shapes. Serializers validate and shape only; writes go through routing.actions."""

from rest_framework import serializers

from core.api.fields import LocationSerializer, StrictInputSerializer, location_of
from org.models import Team
from routing.models import WEIGHT_FIELDS, AllocationDecision, RoutingEvent, ScoringWeights
from routing.rules import to_document
from routing.serializers_shape import decision_payload
from tickets.models import Priority, TicketType

# --- groups --------------------------------------------------------------------------------


class GroupMetricsSerializer(serializers.Serializer):
    avg_resolution_time_hours = serializers.FloatField()
    sla_compliance_rate = serializers.FloatField()
    quality_score = serializers.FloatField()
    cultural_competencies = serializers.ListField(child=serializers.CharField())


class GroupSerializer(serializers.Serializer):
    """A team in the AssignmentGroup shape of API.md."""

    group_id = serializers.UUIDField()
    name = serializers.CharField()
    location = LocationSerializer()
    capabilities = serializers.ListField(child=serializers.CharField())
    status = serializers.ChoiceField(choices=Team.Status.choices)
    max_bandwidth = serializers.IntegerField()
    current_load = serializers.IntegerField()
    metrics = GroupMetricsSerializer()

    def to_representation(self, team: Team) -> dict:
        return {
            "group_id": str(team.pk),
            "name": team.name,
            "location": location_of(team),
            "capabilities": team.capabilities,
            "status": team.status,
            "max_bandwidth": team.max_bandwidth,
            "current_load": team.current_load,
            "metrics": {
                "avg_resolution_time_hours": team.avg_resolution_time_hours,
                "sla_compliance_rate": team.sla_compliance_rate,
                "quality_score": team.quality_score,
                "cultural_competencies": team.cultural_competencies,
            },
        }


# --- rules ---------------------------------------------------------------------------------


class TriggerSerializer(StrictInputSerializer):
    event = serializers.ChoiceField(choices=RoutingEvent.choices)
    conditions = serializers.ListField(child=serializers.DictField(), required=False, default=list)


class RuleSerializer(StrictInputSerializer):
    """A rule in the YAML import shape (API.md "Routing rules"); the conditions and actions are
    checked by the same code as the import, in routing.actions.save_rule."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=120)
    order = serializers.IntegerField(required=False, min_value=-1_000_000, max_value=1_000_000)
    active = serializers.BooleanField(required=False)
    stop = serializers.BooleanField(required=False)
    trigger = TriggerSerializer()
    action = serializers.DictField(required=False)
    actions = serializers.ListField(
        child=serializers.DictField(), required=False, min_length=1, max_length=20
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def validate(self, attrs: dict) -> dict:
        if not self.partial and ("action" in attrs) == ("actions" in attrs):
            raise serializers.ValidationError("Give exactly one of `action` or `actions`.")
        return attrs

    def to_representation(self, rule) -> dict:
        document = to_document(
            {
                "name": rule.name,
                "order": rule.order,
                "active": rule.active,
                "stop": rule.stop,
                "event": rule.event,
                "conditions": rule.conditions,
                "actions": rule.actions,
            }
        )
        return {
            "id": rule.pk,
            **document,
            "created_at": serializers.DateTimeField().to_representation(rule.created_at),
            "updated_at": serializers.DateTimeField().to_representation(rule.updated_at),
        }


# --- weights -------------------------------------------------------------------------------


class WeightsSerializer(serializers.ModelSerializer):
    category = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    class Meta:
        model = ScoringWeights
        fields = [
            "id",
            "category",
            *WEIGHT_FIELDS,
            "load_critical",
            "load_high",
            "load_medium",
            "load_low",
            "affinity_window_hours",
            "min_resolved_samples",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]
        # Uniqueness and the sum of the weights are checked by routing.actions.save_weights.
        validators: list = []
        extra_kwargs = {"category": {"validators": []}}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - {n for n, f in self.fields.items() if not f.read_only})
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field cannot be set here."] for name in unknown}
                )
        return super().to_internal_value(data)


# --- decisions -----------------------------------------------------------------------------


class ScoresSerializer(serializers.Serializer):
    availability = serializers.FloatField()
    bandwidth = serializers.FloatField()
    velocity = serializers.FloatField()
    performance = serializers.FloatField()
    proximity = serializers.FloatField()
    cultural_fit = serializers.FloatField()
    timezone = serializers.FloatField()
    composite = serializers.FloatField()


class AllocationSerializer(serializers.Serializer):
    group_id = serializers.UUIDField()
    group_name = serializers.CharField()
    assigned_user = serializers.EmailField(allow_null=True)


class CandidateSerializer(serializers.Serializer):
    group_id = serializers.UUIDField()
    group_name = serializers.CharField()
    composite = serializers.FloatField()
    scores = serializers.DictField(child=serializers.FloatField())


class TriageTeamSerializer(serializers.Serializer):
    team_id = serializers.CharField()
    name = serializers.CharField()
    similarity = serializers.FloatField(help_text="Cosine of the ticket with the team's profile.")
    probability = serializers.FloatField()
    topic = serializers.CharField(
        allow_blank=True,
        help_text="The topic of the team's profile (a clause of its description, a capability "
        "or an example) closest to the ticket: what it matched. Blank in decisions taken "
        "before topics were read.",
    )


class TriageSerializer(serializers.Serializer):
    """Semantic triage's reading of a ticket that came without a category (docs/triage.md)."""

    provider = serializers.CharField(help_text="The embedding provider (TRIAGE_PROVIDER).")
    category = serializers.CharField(allow_blank=True, help_text="The category triage wrote.")
    confidence = serializers.FloatField(help_text="Calibrated probability of the top team.")
    threshold = serializers.FloatField(help_text="Below it the ticket needs triage.")
    needs_triage = serializers.BooleanField()
    teams = TriageTeamSerializer(many=True, help_text="The top five teams, best first.")
    shortlist = serializers.ListField(
        child=serializers.CharField(), help_text="The teams scoring chose among."
    )
    keyword_category = serializers.CharField(allow_blank=True)
    classifier_category = serializers.CharField(allow_blank=True)


class DecisionSerializer(serializers.Serializer):
    """The AllocationDecision of API.md (routing.serializers_shape.decision_payload)."""

    decision_id = serializers.UUIDField(allow_null=True)
    ticket_id = serializers.CharField()
    allocation = AllocationSerializer(allow_null=True)
    scores = ScoresSerializer()
    rationale = serializers.CharField()
    confidence = serializers.FloatField()
    rule = serializers.CharField(allow_null=True)
    candidates = CandidateSerializer(many=True)
    decided_at = serializers.DateTimeField()
    triage = TriageSerializer(
        allow_null=True,
        help_text="Semantic triage's reading of a ticket without a category; null when none ran.",
    )

    def to_representation(self, decision: AllocationDecision | dict) -> dict:
        if isinstance(decision, dict):
            return decision
        return decision_payload(decision)


# --- allocate ------------------------------------------------------------------------------


class RequesterSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, allow_blank=True)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    crm_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="The requester's id in the CRM (ITSM_CRM_NAME, HubSpot by default). On the "
        "webhook, a contact with this id is the requester whatever the e-mail; otherwise the "
        "e-mail's contact, and a new contact is created with it.",
    )


class StandardTicketSerializer(serializers.Serializer):
    """The StandardTicket of API.md; unknown extra fields are allowed (kept as metadata)."""

    ticket_id = serializers.CharField(max_length=200)
    ticket_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    category = serializers.CharField(required=False, allow_blank=True, max_length=100)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, allow_null=True)
    type = serializers.ChoiceField(choices=TicketType.choices, required=False)
    source = serializers.CharField(required=False, allow_blank=True, max_length=40)
    requester_location = LocationSerializer(required=False)
    urgency = serializers.CharField(required=False, allow_blank=True, max_length=2)
    impact = serializers.CharField(required=False, allow_blank=True, max_length=2)
    requester = RequesterSerializer(required=False)
    external_metadata = serializers.DictField(required=False)


class AllocateSerializer(StrictInputSerializer):
    ticket_id = serializers.UUIDField(required=False)
    ticket = StandardTicketSerializer(required=False)
    dry_run = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict) -> dict:
        if ("ticket_id" in attrs) == ("ticket" in attrs):
            raise serializers.ValidationError("Send either `ticket_id` or `ticket`.")
        if "ticket" in attrs and not attrs["dry_run"]:
            raise serializers.ValidationError(
                {
                    "dry_run": [
                        "A StandardTicket is only decided on a dry run (`dry_run: true`); "
                        "send it to the webhook to create it."
                    ]
                }
            )
        return attrs
