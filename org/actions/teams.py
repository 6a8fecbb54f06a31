"""Teams: created and changed from the API's AssignmentGroup shape, and deleted while nothing
uses them. A team that tickets, decisions, lessons or rules use is set inactive instead: it
takes no new work and keeps its history (deleting it would leave its tickets with no team
and its rules naming nothing)."""

from collections.abc import Sequence

from django.db import transaction

from core.audit import record_audit
from core.exceptions import DomainValidationError
from org.events import PROFILE_FIELDS, publish_profile_changed
from org.models import Team
from org.selectors import slug_named_by, team_uses

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
    renamed = slug_change_problem(team, slug)
    if renamed:
        raise DomainValidationError({"slug": [renamed]})
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


def slug_change_problem(team: Team, slug: str) -> str:
    """Why the team may not take this slug, or "": what names it by its slug now (rules)
    would name no team."""
    if team._state.adding or slug == team.slug:
        return ""
    named_by = slug_named_by(team.slug)
    if not named_by:
        return ""
    one, names = len(named_by) == 1, ", ".join(named_by)
    return (
        f"{names[:1].upper()}{names[1:]} name{'s' if one else ''} this team by its slug "
        f"'{team.slug}': change {'it' if one else 'them'} first, or "
        f"{'it' if one else 'they'} would name no team."
    )


def describe_uses(team: Team, uses: Sequence[str]) -> str:
    return f"{team.name}: {', '.join(uses)}"


@transaction.atomic
def delete_teams(*, actor, teams: Sequence[Team]) -> int:
    """Delete teams nothing uses, all or none. Their rows are locked first, so a ticket
    assigned meanwhile is seen."""
    locked = list(Team.objects.select_for_update().filter(pk__in=[team.pk for team in teams]))
    uses = team_uses(locked)
    if uses:
        in_use = [describe_uses(team, uses[team.pk]) for team in locked if team.pk in uses]
        raise DomainValidationError(
            {"team": [f"In use, set inactive instead: {'; '.join(in_use)}."]}
        )
    for team in locked:
        record_audit(
            actor=actor, action="org.team_deleted", data={"team": str(team.pk), "slug": team.slug}
        )
        team.delete()
    return len(locked)
