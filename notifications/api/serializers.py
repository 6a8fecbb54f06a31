from rest_framework import serializers

from notifications.models import AGENT_EVENTS, Notification, Timing


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()
    ticket = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event_type", "title", "body", "ticket", "read", "read_at", "created_at"]
        read_only_fields = fields

    def get_read(self, obj) -> bool:
        return obj.read_at is not None

    def get_ticket(self, obj) -> dict | None:
        if obj.ticket_id is None:
            return None
        return {"id": str(obj.ticket_id), "reference": obj.ticket.reference}


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(read_only=True)


class PreferenceSerializer(serializers.Serializer):
    event_type = serializers.ChoiceField(choices=sorted(AGENT_EVENTS), read_only=True)
    email = serializers.BooleanField()
    in_app = serializers.BooleanField()
    teams = serializers.BooleanField(default=False)
    slack = serializers.BooleanField(default=False)
    timing = serializers.ChoiceField(choices=Timing.choices, default=Timing.IMMEDIATE)
    is_default = serializers.BooleanField(read_only=True)
