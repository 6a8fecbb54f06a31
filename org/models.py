"""Who works tickets: teams (assignment groups) with their capabilities and baseline metrics,
and agents' working profiles (teams, skills, capacity, availability, where they are)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.display import display_name
from core.validators import validate_string_list, validate_timezone


class Location(models.Model):
    """Latitude, longitude and IANA time zone; shared by teams, agents and contacts."""

    latitude = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])

    class Meta:
        abstract = True


class Team(Location):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    capabilities = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_string_list],
        help_text="Categories and keywords this team handles, e.g. network, vpn, firewall.",
    )
    # The team's profile, which routing's semantic triage compares tickets with.
    description = models.TextField(
        blank=True, help_text="What this team does, in a sentence or two, as a requester would say."
    )
    example_tickets = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_string_list],
        help_text="A few typical ticket titles this team works, one per line.",
    )
    max_bandwidth = models.PositiveIntegerField(
        default=20, help_text="How many open tickets the team can carry at once."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # Baseline metrics: used until enough resolved tickets exist to measure them.
    avg_resolution_time_hours = models.FloatField(default=8.0, validators=[MinValueValidator(0)])
    sla_compliance_rate = models.FloatField(
        default=0.9, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    quality_score = models.FloatField(
        default=0.8, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    cultural_competencies = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_string_list],
        help_text="Languages and regions the team serves well, e.g. en, de, apac.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status"], name="team_status_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class AgentProfile(Location):
    """What an agent brings: teams, skills and how much they can carry."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile"
    )
    teams = models.ManyToManyField(Team, related_name="agents", blank=True)
    skills = models.JSONField(default=list, blank=True, validators=[validate_string_list])
    max_capacity = models.PositiveIntegerField(
        default=10, help_text="How many open tickets this agent can own at once."
    )
    is_available = models.BooleanField(
        default=True, help_text="Off while on leave or off shift; routing skips them."
    )

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return display_name(self.user)


class TeamLead(models.Model):
    """The team-lead flag on a membership: this member of the team approves its tier-2
    resolutions (resolutions app). It counts only while the agent is a member of the team
    (org.selectors.is_team_lead), so leaving a team ends the lead role with it."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="lead_flags")
    profile = models.ForeignKey(AgentProfile, on_delete=models.CASCADE, related_name="lead_flags")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team__name", "profile__user__username"]
        constraints = [
            models.UniqueConstraint(fields=["team", "profile"], name="teamlead_team_profile_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.profile} leads {self.team}"
