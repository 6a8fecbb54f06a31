"""Analytics endpoints (managers and admins): the KPI snapshot, trends, team performance and
routing outcomes, each as JSON or, with ``?format=csv``, as a CSV download."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import APIView
from core.api.permissions import IsManagerOrAdmin
from dashboard import analytics, kpis, time_spent
from dashboard.api import serializers as s
from dashboard.api.renderers import CSVRenderer

FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv"],
    description="csv: the same figures as a CSV download.",
)
DAYS = OpenApiParameter(
    "days",
    OpenApiTypes.INT,
    description=f"How many days back, today included (1-{analytics.MAX_DAYS}, "
    f"default {analytics.DEFAULT_DAYS}).",
)


class AnalyticsView(APIView):
    permission_classes = [IsManagerOrAdmin]
    renderer_classes = [JSONRenderer, CSVRenderer]
    csv_name = "analytics"

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are JSON ({"errors": ...}) even when CSV was asked for.
        if getattr(response, "exception", False) and isinstance(
            getattr(request, "accepted_renderer", None), CSVRenderer
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def get(self, request: Request) -> Response:
        data = self.compute(request)
        if request.accepted_renderer.format == CSVRenderer.format:
            filename = f"{self.csv_name}.csv"
            return Response(
                self.csv_rows(data),
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return Response(data)

    def window(self, request: Request) -> int:
        serializer = s.WindowInputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data["days"]

    def compute(self, request: Request) -> dict:
        raise NotImplementedError

    def csv_rows(self, data: dict) -> list[dict]:
        raise NotImplementedError


class DashboardView(AnalyticsView):
    csv_name = "dashboard"

    @extend_schema(
        summary="The live KPI snapshot (the same data the dashboard websocket sends)",
        parameters=[FORMAT],
        responses={200: s.KpiSnapshotSerializer},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def compute(self, request: Request) -> dict:
        return kpis.snapshot()

    def csv_rows(self, data: dict) -> list[dict]:
        rows = [{"metric": "generated_at", "value": data["generated_at"]}]
        rows += _flatten("open", data["open"])
        for team in data["teams"]:
            for key in ("open", "capacity", "load"):
                rows.append({"metric": f"team.{team['name']}.{key}", "value": team[key]})
        for section in ("sla", "today", "averages", "envelopes"):
            rows += _flatten(section, data[section])
        oldest = data["oldest_unaccepted"] or {}
        rows.append({"metric": "oldest_unaccepted.reference", "value": oldest.get("reference")})
        rows.append({"metric": "oldest_unaccepted.age_minutes", "value": oldest.get("age_minutes")})
        return rows


def _flatten(prefix: str, data: dict) -> list[dict]:
    rows = []
    for key, value in data.items():
        if isinstance(value, dict):
            rows += _flatten(f"{prefix}.{key}", value)
        else:
            rows.append({"metric": f"{prefix}.{key}", "value": value})
    return rows


class TrendsView(AnalyticsView):
    csv_name = "trends"

    @extend_schema(
        summary="Tickets created and resolved per day",
        parameters=[DAYS, FORMAT],
        responses={200: s.AnalyticsTrendsSerializer},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def compute(self, request: Request) -> dict:
        return analytics.trends(days=self.window(request))

    def csv_rows(self, data: dict) -> list[dict]:
        return data["series"]


class TeamPerformanceView(AnalyticsView):
    csv_name = "team-performance"

    @extend_schema(
        summary="Per team: volume, velocity, SLA compliance and quality",
        parameters=[DAYS, FORMAT],
        responses={200: s.AnalyticsTeamPerformanceSerializer},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def compute(self, request: Request) -> dict:
        return analytics.team_performance(days=self.window(request))

    def csv_rows(self, data: dict) -> list[dict]:
        return data["teams"]


class RoutingOutcomesView(AnalyticsView):
    csv_name = "routing-outcomes"

    @extend_schema(
        summary="Routing decisions by method (rules, affinity, scoring), confidence, re-routes",
        parameters=[DAYS, FORMAT],
        responses={200: s.AnalyticsRoutingOutcomesSerializer},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def compute(self, request: Request) -> dict:
        return analytics.routing_outcomes(days=self.window(request))

    def csv_rows(self, data: dict) -> list[dict]:
        return data["by_method"]


class TimeSpentView(AnalyticsView):
    csv_name = "time-spent"
    csv_columns = time_spent.CSV_COLUMNS

    @extend_schema(
        summary="Minutes logged with replies and notes: per agent (split by team) and per team",
        parameters=[DAYS, FORMAT],
        responses={200: s.AnalyticsTimeSpentSerializer},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def compute(self, request: Request) -> dict:
        return time_spent.time_spent(days=self.window(request))

    def csv_rows(self, data: dict) -> list[dict]:
        return time_spent.csv_rows(data)
