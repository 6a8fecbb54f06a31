"""Resolution, approval and calibration API shapes. Input serializers check shapes only; the
rules (tiers, currencies, who may decide) are in resolutions.actions."""

from rest_framework import serializers

from core.api.fields import PersonSerializer, StrictInputSerializer
from resolutions.models import (
    ApprovalRequest,
    CalibrationItem,
    Outcome,
    Resolution,
    ResolutionType,
    WhatWentWrong,
    WhyEligible,
)
from resolutions.money import MAX_DIGITS, MAX_PLACES, display

TEXT = 2000


def _amount(**kwargs) -> serializers.DecimalField:
    # Decimal in, Decimal out; strings ("12.50") and JSON numbers are read, never as floats.
    return serializers.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=MAX_PLACES, min_value=0, **kwargs
    )


class NamedRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)


class CaseTicketRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    reference = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)


class ApprovalRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    status = serializers.CharField(read_only=True)
    decided_by = PersonSerializer(read_only=True, allow_null=True)
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)
    reason = serializers.CharField(read_only=True)


class ResolutionSerializer(serializers.ModelSerializer):
    ticket = serializers.UUIDField(source="ticket_id", read_only=True)
    amount = serializers.SerializerMethodField()
    agent = PersonSerializer(read_only=True)
    team = NamedRefSerializer(read_only=True, allow_null=True)
    approval = serializers.SerializerMethodField()

    class Meta:
        model = Resolution
        fields = [
            "id",
            "ticket",
            "what_went_wrong",
            "what_went_wrong_text",
            "why_eligible",
            "why_eligible_text",
            "type",
            "amount",
            "currency",
            "tier",
            "status",
            "agent",
            "team",
            "approval",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields

    def get_amount(self, resolution: Resolution) -> str:
        return display(resolution.amount, resolution.currency)

    def get_approval(self, resolution: Resolution) -> dict | None:
        approval = getattr(resolution, "approval", None)
        return ApprovalRefSerializer(approval).data if approval is not None else None


class ResolutionCreateSerializer(StrictInputSerializer):
    what_went_wrong = serializers.ChoiceField(choices=WhatWentWrong.choices)
    what_went_wrong_text = serializers.CharField(
        max_length=TEXT, required=False, allow_blank=True, default=""
    )
    why_eligible = serializers.ChoiceField(choices=WhyEligible.choices)
    why_eligible_text = serializers.CharField(
        max_length=TEXT, required=False, allow_blank=True, default=""
    )
    type = serializers.ChoiceField(choices=ResolutionType.choices)
    amount = _amount()
    currency = serializers.CharField(
        max_length=3,
        required=False,
        allow_blank=True,
        default="",
        help_text="ISO 4217; blank: the team's currency.",
    )


class ApprovalSerializer(serializers.ModelSerializer):
    ticket = serializers.SerializerMethodField()
    resolution = ResolutionSerializer(read_only=True)
    team = NamedRefSerializer(read_only=True, allow_null=True)
    requested_by = PersonSerializer(read_only=True)
    decided_by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "status",
            "tier",
            "team",
            "ticket",
            "resolution",
            "requested_by",
            "decided_by",
            "decided_at",
            "reason",
            "created_at",
        ]
        read_only_fields = fields

    def get_ticket(self, approval: ApprovalRequest) -> dict:
        return CaseTicketRefSerializer(approval.resolution.ticket).data


class DecisionSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=TEXT, required=False, allow_blank=True, default="")


class CalibrationItemSerializer(serializers.ModelSerializer):
    ticket = CaseTicketRefSerializer(read_only=True)
    resolution = ResolutionSerializer(read_only=True, allow_null=True)
    outcome = serializers.SerializerMethodField()
    revised_amount = serializers.SerializerMethodField()
    reviewed_by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CalibrationItem
        fields = [
            "id",
            "period",
            "reason",
            "review_status",
            "outcome",
            "revised_amount",
            "notes",
            "ticket",
            "resolution",
            "reviewed_by",
            "reviewed_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_outcome(self, item: CalibrationItem) -> str | None:
        return item.outcome or None

    def get_revised_amount(self, item: CalibrationItem) -> str | None:
        if item.revised_amount is None or item.resolution is None:
            return None
        return display(item.revised_amount, item.resolution.currency)


class ReviewSerializer(StrictInputSerializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    notes = serializers.CharField(max_length=TEXT, required=False, allow_blank=True, default="")
    revised_amount = _amount(required=False, allow_null=True, default=None)


class GenerateSerializer(StrictInputSerializer):
    period = serializers.RegexField(r"^\d{4}-W\d{2}$", required=False, max_length=8)
    sample_size = serializers.IntegerField(min_value=0, max_value=1000, required=False)
