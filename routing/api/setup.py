"""Setting-up endpoints for teams and agents (API.md "Setting up"): staff read, admins write."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import GenericViewSet
from core.api.fields import LocationSerializer, StrictInputSerializer, location_of
from core.api.permissions import ReadStaffWriteAdmin
from core.roles import Role, role_of
from org.actions.agents import NewAgent, Place, create_agent
from org.actions.teams import save_team
from org.models import AgentProfile, Team
from routing import selectors

User = get_user_model()
ERRORS = OpenApiResponse(description='{"errors": {"<field>": ["message"]}}')


class MetricsSerializer(StrictInputSerializer):
    avg_resolution_time_hours = serializers.FloatField(min_value=0, required=False)
    sla_compliance_rate = serializers.FloatField(min_value=0, max_value=1, required=False)
    quality_score = serializers.FloatField(min_value=0, max_value=1, required=False)
    cultural_competencies = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=50
    )


class TeamSerializer(StrictInputSerializer):
    """The AssignmentGroup shape of API.md, plus slug and current_load."""

    id = serializers.UUIDField(read_only=True)
    slug = serializers.SlugField(max_length=64)
    name = serializers.CharField(max_length=120)
    capabilities = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=100
    )
    location = LocationSerializer(required=False)
    max_bandwidth = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
    status = serializers.ChoiceField(choices=Team.Status.choices, required=False)
    metrics = MetricsSerializer(required=False)
    current_load = serializers.IntegerField(read_only=True)

    def to_representation(self, team: Team) -> dict:
        return {
            "id": str(team.pk),
            "slug": team.slug,
            "name": team.name,
            "capabilities": team.capabilities,
            "location": location_of(team),
            "max_bandwidth": team.max_bandwidth,
            "status": team.status,
            "metrics": {
                "avg_resolution_time_hours": team.avg_resolution_time_hours,
                "sla_compliance_rate": team.sla_compliance_rate,
                "quality_score": team.quality_score,
                "cultural_competencies": team.cultural_competencies,
            },
            "current_load": getattr(team, "current_load", None),
        }


@extend_schema_view(list=extend_schema(summary="Teams"), retrieve=extend_schema(summary="One team"))
class TeamViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    GenericViewSet,
):
    serializer_class = TeamSerializer
    permission_classes = [ReadStaffWriteAdmin]
    lookup_value_converter = "uuid"
    filterset_fields = ["status"]
    ordering_fields = ["name", "slug"]

    def get_queryset(self):
        return selectors.groups()  # with current_load, from the kept team loads

    @extend_schema(
        summary="Create a team (admin)",
        request=TeamSerializer,
        responses={201: TeamSerializer, 400: ERRORS, 403: ERRORS},
    )
    def create(self, request: Request) -> Response:
        serializer = TeamSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        team = save_team(actor=request.user, team=None, data=serializer.validated_data)
        return Response(
            TeamSerializer(self.get_queryset().get(pk=team.pk)).data, status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Change a team (admin)",
        request=TeamSerializer,
        responses={200: TeamSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        team = self.get_object()
        serializer = TeamSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        save_team(actor=request.user, team=team, data=serializer.validated_data)
        return Response(TeamSerializer(self.get_queryset().get(pk=team.pk)).data)


class AgentSerializer(StrictInputSerializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    name = serializers.CharField(max_length=300)
    password = serializers.CharField(write_only=True, max_length=128)
    role = serializers.ChoiceField(choices=[Role.AGENT.value, Role.MANAGER.value])
    teams = serializers.ListField(
        child=serializers.SlugField(max_length=64), required=False, default=list, max_length=50
    )
    skills = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, default=list, max_length=100
    )
    max_capacity = serializers.IntegerField(
        min_value=0, max_value=10_000, required=False, default=10
    )
    location = LocationSerializer(required=False)
    is_available = serializers.BooleanField(read_only=True)

    def to_representation(self, profile: AgentProfile) -> dict:
        user = profile.user
        return {
            "id": user.pk,
            "username": user.username,
            "email": user.email,
            "name": user.get_full_name(),
            "role": role_of(user),
            "teams": [team.slug for team in profile.teams.all()],
            "skills": profile.skills,
            "max_capacity": profile.max_capacity,
            "location": location_of(profile),
            "is_available": profile.is_available,
        }


@extend_schema_view(
    list=extend_schema(summary="Agents and managers"), retrieve=extend_schema(summary="One agent")
)
class AgentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    serializer_class = AgentSerializer
    permission_classes = [ReadStaffWriteAdmin]
    ordering_fields = ["user__username"]
    # An agent is addressed by the id it is shown with: the user's, not the profile row's.
    lookup_field = "user_id"
    lookup_url_kwarg = "pk"

    def get_queryset(self):
        return (
            AgentProfile.objects.select_related("user")
            .prefetch_related(
                Prefetch("teams", queryset=Team.objects.order_by("slug")),
                "user__groups",
            )
            .order_by("user__username")
        )

    @extend_schema(
        summary="Create an agent or manager: user, profile, role and teams in one step (admin)",
        description="An `email` a requester (contact) has is refused: 400 on `email`.",
        request=AgentSerializer,
        responses={201: AgentSerializer, 400: ERRORS, 403: ERRORS},
    )
    def create(self, request: Request) -> Response:
        serializer = AgentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        location = data.get("location", {})
        profile = create_agent(
            actor=request.user,
            data=NewAgent(
                username=data["username"],
                email=data["email"],
                name=data["name"],
                password=data["password"],
                role=data["role"],
                team_slugs=tuple(data["teams"]),
                skills=tuple(data["skills"]),
                max_capacity=data["max_capacity"],
                place=Place(
                    location.get("lat"), location.get("lng"), location.get("timezone", "UTC")
                ),
            ),
        )
        return Response(
            AgentSerializer(self.get_queryset().get(pk=profile.pk)).data, status.HTTP_201_CREATED
        )
