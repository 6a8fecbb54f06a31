"""Teams: created and changed from the API's AssignmentGroup shape."""

from django.db import transaction

from core.audit import record_audit
from core.exceptions import DomainValidationError
from org.events import PROFILE_FIELDS, publish_profile_changed
from org.models import Team

TEAM_FIELDS = (
    "slug",
    "name",
    "description",
    "capabilities",
    "example_tickets",
    "max_bandwidth",
    "status",
)
METRIC_FIELDS = (
    "avg_resolution_time_hours",
    "sla_compliance_rate",
    "quality_score",
    "cultural_competencies",
)


@transaction.atomic
def save_team(*, actor, team: Team | None, data: dict) -> Team:
    """Create (team=None) or change a team from the API's AssignmentGroup shape."""
    team = Team.objects.select_for_update().get(pk=team.pk) if team is not None else Team()
    before = {name: getattr(team, name) for name in PROFILE_FIELDS}
    slug = data.get("slug", team.slug)
    if Team.objects.filter(slug=slug).exclude(pk=team.pk).exists():
        raise DomainValidationError({"slug": ["A team with this slug exists."]})
    for name in TEAM_FIELDS:
        if name in data:
            setattr(team, name, data[name])
    for name in METRIC_FIELDS:
        if name in data.get("metrics", {}):
            setattr(team, name, data["metrics"][name])
    location = data.get("location", {})
    team.latitude = location.get("lat", team.latitude)
    team.longitude = location.get("lng", team.longitude)
    team.timezone = location.get("timezone", team.timezone)
    team.full_clean()
    created = team._state.adding
    team.save()
    profile_changed = [name for name in PROFILE_FIELDS if getattr(team, name) != before[name]]
    if profile_changed:
        publish_profile_changed(team, profile_changed)
    record_audit(
        actor=actor,
        action="org.team_created" if created else "org.team_changed",
        data={"team": str(team.pk), "slug": team.slug},
    )
    return team
