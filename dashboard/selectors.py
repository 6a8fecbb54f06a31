"""Who may watch the live dashboard, and which part of it."""

from dataclasses import dataclass

from core.roles import Role, role_of
from org.selectors import team_ids_of


@dataclass(frozen=True)
class Access:
    """``team_ids`` None: every team (managers, admins); otherwise the agent's teams."""

    user_id: int
    team_ids: tuple[str, ...] | None

    @property
    def everything(self) -> bool:
        return self.team_ids is None


def dashboard_access(user) -> Access | None:
    """None for anonymous users, requesters, integrations and role-less accounts."""
    role = role_of(user)
    if role in (Role.ADMIN, Role.MANAGER):
        return Access(user_id=user.pk, team_ids=None)
    if role == Role.AGENT:
        teams = tuple(sorted(str(pk) for pk in team_ids_of(user).values_list("team_id", flat=True)))
        return Access(user_id=user.pk, team_ids=teams)
    return None
