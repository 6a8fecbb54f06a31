"""Analytics API shapes. Inputs validate the query string; outputs document the answers
(the data itself is computed by dashboard.kpis and dashboard.analytics)."""

from rest_framework import serializers

from dashboard.analytics import DEFAULT_DAYS, MAX_DAYS


class WindowInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=MAX_DAYS, default=DEFAULT_DAYS)


# --- KPI snapshot ---------------------------------------------------------------------------


class OpenSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_priority = serializers.DictField(child=serializers.IntegerField())
    unassigned = serializers.IntegerField(help_text="Open tickets without a team yet.")


class TeamLoadSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    status = serializers.CharField()
    open = serializers.IntegerField()
    capacity = serializers.IntegerField(help_text="The team's max_bandwidth.")
    load = serializers.FloatField(allow_null=True, help_text="open / capacity")


class SlaSerializer(serializers.Serializer):
    at_risk = serializers.IntegerField(help_text="Open tickets whose SLA is in warning.")
    breached = serializers.IntegerField(help_text="Open tickets whose SLA is breached.")


class TodaySerializer(serializers.Serializer):
    created = serializers.IntegerField()
    resolved = serializers.IntegerField()


class AveragesSerializer(serializers.Serializer):
    window_days = serializers.IntegerField()
    first_response_minutes = serializers.FloatField(allow_null=True)
    resolution_hours = serializers.FloatField(allow_null=True)


class OldestSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    priority = serializers.CharField()
    team = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    age_minutes = serializers.FloatField()


class EnvelopesSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    pending = serializers.IntegerField()
    active = serializers.IntegerField()


class SnapshotSerializer(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    scope = serializers.ChoiceField(choices=["all", "teams"])
    open = OpenSerializer()
    teams = TeamLoadSerializer(many=True)
    sla = SlaSerializer()
    today = TodaySerializer()
    averages = AveragesSerializer()
    oldest_unaccepted = OldestSerializer(allow_null=True)
    envelopes = EnvelopesSerializer()


# --- analytics ------------------------------------------------------------------------------


class TrendPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    created = serializers.IntegerField()
    resolved = serializers.IntegerField()


class TrendsSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    series = TrendPointSerializer(many=True)


class TeamPerformanceRowSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    status = serializers.CharField()
    created = serializers.IntegerField()
    resolved = serializers.IntegerField()
    open = serializers.IntegerField()
    resolved_per_day = serializers.FloatField()
    avg_resolution_hours = serializers.FloatField(allow_null=True)
    sla_met = serializers.IntegerField()
    sla_breached = serializers.IntegerField()
    sla_compliance_rate = serializers.FloatField(allow_null=True)
    csat_average = serializers.FloatField(allow_null=True)
    csat_responses = serializers.IntegerField()
    reopened = serializers.IntegerField()
    reopen_rate = serializers.FloatField(allow_null=True)


class TeamPerformanceSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    teams = TeamPerformanceRowSerializer(many=True)


class MethodRowSerializer(serializers.Serializer):
    method = serializers.CharField()
    decisions = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    average_confidence = serializers.FloatField(allow_null=True)
    reroutes = serializers.IntegerField()


class RoutingOutcomesSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    decisions = serializers.IntegerField()
    rules_share = serializers.FloatField(allow_null=True)
    scoring_share = serializers.FloatField(allow_null=True)
    average_confidence = serializers.FloatField(allow_null=True)
    reroutes = serializers.IntegerField()
    rerouted_tickets = serializers.IntegerField()
    by_method = MethodRowSerializer(many=True)
