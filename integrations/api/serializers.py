from rest_framework import serializers


class WebhookResultSerializer(serializers.Serializer):
    """The answer to an accepted delivery (202 processing, 200 duplicate or updated)."""

    status = serializers.ChoiceField(choices=["processing", "duplicate", "updated"])
    ticket_id = serializers.UUIDField(
        help_text="Our ticket's id (the first one's, for a duplicate)."
    )
    ticket_number = serializers.CharField(help_text="Our reference, e.g. INC-2026-000123.")
