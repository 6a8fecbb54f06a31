"""Reads about teams and their members."""

from django.db.models import QuerySet

from org.models import AgentProfile, Team


def team_ids_of(user) -> QuerySet:
    """Subquery of the ids of the teams the user is a member of."""
    return AgentProfile.teams.through.objects.filter(agentprofile__user=user).values("team_id")


def is_team_member(user, team: Team | None) -> bool:
    if team is None:
        return False
    return AgentProfile.objects.filter(user=user, teams=team).exists()
