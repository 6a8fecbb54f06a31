"""SLA API shapes: policies and calendars (admin writes, staff reads) and the caller's own
reminders. Input serializers validate only; the views call sla.actions and sla.reminders."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import StrictInputSerializer
from sla import recurrence
from sla.models import BusinessCalendar, Reminder, SLAPolicy
from tickets.models import Priority, TicketType, Tier

# --- calendars ------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "09:00"})
class WallTimeField(serializers.TimeField):
    """A wall-clock time in the calendar's own time zone (so no offset): "HH:MM"."""

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%H:%M", **kwargs)


class WorkingHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 = Monday ... 6 = Sunday")
    starts = WallTimeField()
    ends = WallTimeField(help_text="00:00 is the end of the day.")


class CalendarSerializer(serializers.ModelSerializer):
    hours = WorkingHoursSerializer(many=True, read_only=True)
    closed_dates = serializers.SerializerMethodField()

    class Meta:
        model = BusinessCalendar
        fields = [
            "id",
            "slug",
            "name",
            "timezone",
            "always_open",
            "holiday_country",
            "holiday_subdivision",
            "hours",
            "closed_dates",
        ]
        read_only_fields = fields

    def get_closed_dates(self, calendar: BusinessCalendar) -> list[str]:
        return [row.date.isoformat() for row in calendar.closed_dates.all()]


class CalendarRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    timezone = serializers.CharField()


# --- policies -------------------------------------------------------------------------------


def _blank_choices(choices) -> list:
    return [("", "any"), *choices]


class PolicySerializer(serializers.ModelSerializer):
    calendar = CalendarRefSerializer(read_only=True)
    # "" means the policy matches any value.
    priority = serializers.ChoiceField(choices=_blank_choices(Priority.choices), read_only=True)
    type = serializers.ChoiceField(choices=_blank_choices(TicketType.choices), read_only=True)
    tier = serializers.ChoiceField(choices=_blank_choices(Tier.choices), read_only=True)

    class Meta:
        model = SLAPolicy
        fields = [
            "id",
            "name",
            "description",
            "is_active",
            "is_default",
            "priority",
            "type",
            "tier",
            "category",
            "calendar",
            "first_response_minutes",
            "resolution_minutes",
            "warning_percent",
            "warning_lead_minutes",
            "pause_on_escalation",
            "escalation_actions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EscalationActionSerializer(StrictInputSerializer):
    at = serializers.ChoiceField(choices=["warning", "breach"])
    notify = serializers.ListField(
        child=serializers.ChoiceField(choices=["owner", "team", "managers"]), max_length=3
    )


class PolicyInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    is_active = serializers.BooleanField(required=False)
    is_default = serializers.BooleanField(required=False)
    priority = serializers.ChoiceField(choices=_blank_choices(Priority.choices), required=False)
    type = serializers.ChoiceField(choices=_blank_choices(TicketType.choices), required=False)
    tier = serializers.ChoiceField(choices=_blank_choices(Tier.choices), required=False)
    category = serializers.CharField(required=False, allow_blank=True, max_length=100)
    calendar = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessCalendar.objects.all(), help_text="Calendar slug."
    )
    first_response_minutes = serializers.IntegerField(min_value=1, max_value=10_000_000)
    resolution_minutes = serializers.IntegerField(min_value=1, max_value=10_000_000)
    warning_percent = serializers.IntegerField(
        min_value=1, max_value=99, required=False, allow_null=True
    )
    warning_lead_minutes = serializers.IntegerField(
        min_value=1, max_value=10_000_000, required=False, allow_null=True
    )
    pause_on_escalation = serializers.BooleanField(required=False)
    escalation_actions = EscalationActionSerializer(many=True, required=False, max_length=10)


# --- reminders ------------------------------------------------------------------------------


class ReminderTicketSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    title = serializers.CharField()


class ReminderSerializer(serializers.ModelSerializer):
    ticket = ReminderTicketSerializer(read_only=True)

    class Meta:
        model = Reminder
        fields = [
            "id",
            "ticket",
            "kind",
            "message",
            "trigger_at",
            "frequency",
            "interval",
            "until",
            "timezone",
            "status",
            "fire_count",
            "last_fired_at",
            "completed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReminderInputSerializer(StrictInputSerializer):
    ticket = serializers.UUIDField()
    message = serializers.CharField(max_length=500)
    trigger_at = serializers.DateTimeField()
    frequency = serializers.ChoiceField(choices=recurrence.FREQUENCIES, default=recurrence.NONE)
    interval = serializers.IntegerField(min_value=1, max_value=365, default=1)
    until = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ReminderUpdateSerializer(StrictInputSerializer):
    message = serializers.CharField(max_length=500, required=False)
    trigger_at = serializers.DateTimeField(required=False)
    frequency = serializers.ChoiceField(choices=recurrence.FREQUENCIES, required=False)
    interval = serializers.IntegerField(min_value=1, max_value=365, required=False)
    until = serializers.DateTimeField(required=False, allow_null=True)


class SnoozeSerializer(StrictInputSerializer):
    minutes = serializers.IntegerField(min_value=1, max_value=90 * 24 * 60, required=False)
    until = serializers.DateTimeField(required=False)

    def validate(self, data: dict) -> dict:
        if ("minutes" in data) == ("until" in data):
            raise serializers.ValidationError("Send either minutes or until.")
        return data


class EmptySerializer(StrictInputSerializer):
    """Actions that take no body."""
