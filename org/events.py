"""Org's domain events, on the team's stream (``team:<id>``).

team.profile_changed   ``team`` (id), ``fields`` (which of PROFILE_FIELDS changed): what
                       routing's triage reads of the team changed (it embeds it again)."""

from core.events import publish

TEAM_PROFILE_CHANGED = "team.profile_changed"
# What routing's semantic triage reads of a team.
PROFILE_FIELDS = ("name", "description", "capabilities", "example_tickets", "status")


def publish_profile_changed(team, fields: list[str]) -> None:
    publish(
        TEAM_PROFILE_CHANGED,
        stream=f"team:{team.pk}",
        data={"team": str(team.pk), "fields": fields},
    )
