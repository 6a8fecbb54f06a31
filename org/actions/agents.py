"""Agents: a user, a profile, a role group and team memberships, created together or not at
all."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from core.accounts import validate_new_password
from core.audit import record_audit
from core.exceptions import DomainValidationError
from core.roles import Role, forget_role
from org.models import AgentProfile, Team

User = get_user_model()


@dataclass(frozen=True)
class Place:
    latitude: float | None = None
    longitude: float | None = None
    timezone: str = "UTC"


@dataclass(frozen=True)
class NewAgent:
    username: str
    email: str
    name: str
    password: str
    role: str = Role.AGENT
    team_slugs: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    max_capacity: int = 10
    place: Place = field(default_factory=Place)


@transaction.atomic
def create_agent(*, actor, data: NewAgent) -> AgentProfile:
    """A new agent or manager: login, role group, profile and teams; audited."""
    if data.role not in (Role.AGENT, Role.MANAGER):
        raise DomainValidationError({"role": ["Must be 'agent' or 'manager'."]})
    if User.objects.filter(username=data.username).exists():
        raise DomainValidationError({"username": ["This username is taken."]})
    validate_new_password(data.password, username=data.username, email=data.email)
    teams = list(Team.objects.filter(slug__in=data.team_slugs))
    unknown = sorted(set(data.team_slugs) - {team.slug for team in teams})
    if unknown:
        raise DomainValidationError({"teams": [f"Unknown team: {slug}." for slug in unknown]})
    first, _, last = data.name.partition(" ")
    user = User.objects.create_user(
        username=data.username,
        email=data.email,
        password=data.password,
        first_name=first,
        last_name=last,
    )
    user.groups.add(Group.objects.get_or_create(name=data.role)[0])
    forget_role(user)
    profile = AgentProfile.objects.create(
        user=user,
        skills=list(data.skills),
        max_capacity=data.max_capacity,
        latitude=data.place.latitude,
        longitude=data.place.longitude,
        timezone=data.place.timezone,
    )
    profile.teams.set(teams)
    record_audit(
        actor=actor,
        action="org.agent_created",
        data={"user": user.pk, "role": data.role, "teams": sorted(data.team_slugs)},
    )
    return profile
