"""The envelope FilterSet, shared by the API and the pages."""

import django_filters

from core.api.filters import UtcDateTimeFilter
from escalations.lifecycle import EnvelopeStatus
from escalations.models import Envelope


class EnvelopeFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=EnvelopeStatus.choices)
    team = django_filters.UUIDFilter(field_name="team_id", help_text="Team id (UUID).")
    ticket = django_filters.UUIDFilter(field_name="ticket_id", help_text="Ticket id (UUID).")
    opened_before = UtcDateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text="Opened before this time (age)."
    )

    class Meta:
        model = Envelope
        fields = ["status", "team", "ticket", "opened_before"]
