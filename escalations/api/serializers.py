"""Envelope API shapes. Input serializers validate only; the views call escalations.actions."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.api.fields import PersonSerializer, StrictInputSerializer
from escalations.models import Envelope
from org.models import Team
from tickets.api.serializers import TeamRefSerializer, TimelineEntrySerializer

User = get_user_model()

__all__ = [
    "CancelSerializer",
    "CompleteSerializer",
    "EnvelopeCreateSerializer",
    "EnvelopeEntryCreateSerializer",
    "EnvelopeSerializer",
    "TimelineEntrySerializer",
]


class EnvelopeSerializer(serializers.ModelSerializer):
    ticket = serializers.UUIDField(source="ticket_id", read_only=True)
    team = TeamRefSerializer(read_only=True, allow_null=True)
    agent = PersonSerializer(read_only=True, allow_null=True)
    assigned_to = PersonSerializer(read_only=True, allow_null=True)
    requested_by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Envelope
        fields = [
            "id",
            "ticket",
            "status",
            "reason",
            "team",
            "agent",
            "assigned_to",
            "requested_by",
            "summary",
            "created_at",
            "accepted_at",
            "closed_at",
            "updated_at",
        ]
        read_only_fields = fields


class EnvelopeCreateSerializer(StrictInputSerializer):
    team = serializers.UUIDField(required=False, allow_null=True, default=None)
    agent = serializers.EmailField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=10_000)

    def validate_team(self, team_id):
        if team_id is None:
            return None
        team = Team.objects.filter(pk=team_id).first()
        if team is None:
            raise serializers.ValidationError("Unknown team.")
        return team

    def validate_agent(self, email: str | None):
        if email is None:
            return None
        user = User.objects.filter(email__iexact=email, is_active=True).order_by("pk").first()
        if user is None:
            raise serializers.ValidationError("No active agent has this e-mail address.")
        return user

    def validate(self, data):
        if data.get("team") is None and data.get("agent") is None:
            raise serializers.ValidationError("Name a team, an agent, or both.")
        return data


class EnvelopeEntryCreateSerializer(StrictInputSerializer):
    content = serializers.CharField(max_length=100_000)


class CompleteSerializer(StrictInputSerializer):
    summary = serializers.CharField(max_length=20_000)


class CancelSerializer(StrictInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
