"""Team leads: the lead flag on a membership, set and cleared with an audit row."""

from django.db import transaction

from core.audit import record_audit
from core.exceptions import DomainValidationError
from org.models import AgentProfile, Team, TeamLead


@transaction.atomic
def set_team_lead(*, actor, profile: AgentProfile, team: Team, lead: bool = True) -> bool:
    """Flag (``lead=True``) or unflag the agent as a lead of the team. Only a member of the
    team can lead it. Returns whether anything changed; setting the same flag twice is a
    no-op and records nothing."""
    profile = AgentProfile.objects.select_for_update().get(pk=profile.pk)
    if lead and not profile.teams.filter(pk=team.pk).exists():
        raise DomainValidationError(
            {"profile": [f"{profile} is not a member of {team}; add them to the team first."]}
        )
    existing = TeamLead.objects.filter(team=team, profile=profile)
    if lead == existing.exists():
        return False
    if lead:
        TeamLead.objects.create(team=team, profile=profile)
    else:
        existing.delete()
    record_audit(
        actor=actor,
        action="org.team_lead_set" if lead else "org.team_lead_cleared",
        data={"team": team.slug, "user": profile.user_id},
    )
    return True
