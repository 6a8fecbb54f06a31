"""Analytics API shapes. Inputs validate the query string; outputs document the answers
(the data itself is computed by dashboard.kpis and dashboard.analytics)."""

from rest_framework import serializers

from dashboard.analytics import DEFAULT_DAYS, MAX_DAYS


class WindowInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=MAX_DAYS, default=DEFAULT_DAYS)


# --- KPI snapshot ---------------------------------------------------------------------------


class KpiOpenSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_priority = serializers.DictField(child=serializers.IntegerField())
    unassigned = serializers.IntegerField(help_text="Open tickets without a team yet.")


class KpiTeamLoadSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    status = serializers.CharField()
    open = serializers.IntegerField()
    capacity = serializers.IntegerField(help_text="The team's max_bandwidth.")
    load = serializers.FloatField(allow_null=True, help_text="open / capacity")


class KpiSlaSerializer(serializers.Serializer):
    at_risk = serializers.IntegerField(help_text="Open tickets whose SLA is in warning.")
    breached = serializers.IntegerField(help_text="Open tickets whose SLA is breached.")


class KpiTodaySerializer(serializers.Serializer):
    created = serializers.IntegerField()
    resolved = serializers.IntegerField()


class KpiAveragesSerializer(serializers.Serializer):
    window_hours = serializers.IntegerField()
    first_response_minutes = serializers.FloatField(allow_null=True)
    resolution_hours = serializers.FloatField(allow_null=True)


class KpiOldestSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    priority = serializers.CharField()
    team = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    age_minutes = serializers.FloatField()


class KpiEnvelopesSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    pending = serializers.IntegerField()
    active = serializers.IntegerField()


class KpiSnapshotSerializer(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    scope = serializers.ChoiceField(choices=["all", "teams"])
    open = KpiOpenSerializer()
    teams = KpiTeamLoadSerializer(many=True)
    sla = KpiSlaSerializer()
    today = KpiTodaySerializer()
    averages = KpiAveragesSerializer()
    oldest_unaccepted = KpiOldestSerializer(allow_null=True)
    envelopes = KpiEnvelopesSerializer()


# --- analytics ------------------------------------------------------------------------------


class AnalyticsTrendPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    created = serializers.IntegerField()
    resolved = serializers.IntegerField()


class AnalyticsTrendsSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    series = AnalyticsTrendPointSerializer(many=True)


class AnalyticsTeamPerformanceRowSerializer(serializers.Serializer):
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
    time_spent_minutes = serializers.IntegerField()


class AnalyticsTeamPerformanceSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    teams = AnalyticsTeamPerformanceRowSerializer(many=True)


class AnalyticsMethodRowSerializer(serializers.Serializer):
    method = serializers.CharField()
    decisions = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    average_confidence = serializers.FloatField(allow_null=True)
    reroutes = serializers.IntegerField()


class AnalyticsRoutingOutcomesSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    decisions = serializers.IntegerField()
    rules_share = serializers.FloatField(allow_null=True)
    scoring_share = serializers.FloatField(allow_null=True)
    average_confidence = serializers.FloatField(allow_null=True)
    reroutes = serializers.IntegerField()
    rerouted_tickets = serializers.IntegerField()
    by_method = AnalyticsMethodRowSerializer(many=True)


class AnalyticsTimeTeamSerializer(serializers.Serializer):
    id = serializers.UUIDField(allow_null=True)
    name = serializers.CharField()
    minutes = serializers.IntegerField()


class AnalyticsTimeTeamTotalSerializer(AnalyticsTimeTeamSerializer):
    entries = serializers.IntegerField()


class AnalyticsTimeAgentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    minutes = serializers.IntegerField()
    entries = serializers.IntegerField()
    teams = AnalyticsTimeTeamSerializer(many=True)


class AnalyticsTimeSpentSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    total_minutes = serializers.IntegerField()
    agents = AnalyticsTimeAgentSerializer(many=True)
    teams = AnalyticsTimeTeamTotalSerializer(many=True)
