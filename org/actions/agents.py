"""Agents: a user, a profile, a role group and team memberships, created together or not at
all."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from core.accounts import validate_new_password
from core.audit import record_audit
from core.exceptions import DomainValidationError
from core.roles import Role, forget_role
from org.models import AgentProfile, Team
from org.selectors import address_held_elsewhere

User = get_user_model()
EMAIL_TAKEN = "Another user has this e-mail address."


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
    # None: no password yet (an imported agent signs in after a password reset).
    password: str | None
    role: str = Role.AGENT
    team_slugs: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    max_capacity: int = 10
    is_available: bool = True
    place: Place = field(default_factory=Place)


@transaction.atomic
def create_agent(*, actor, data: NewAgent) -> AgentProfile:
    """A new agent or manager: login, role group, profile and teams; audited."""
    if data.role not in (Role.AGENT, Role.MANAGER):
        raise DomainValidationError({"role": ["Must be 'agent' or 'manager'."]})
    _check_login(data.username, data.email)
    _refuse_held_address(data.email)
    if User.objects.filter(username=data.username).exists():
        raise DomainValidationError({"username": ["This username is taken."]})
    if User.objects.filter(email__iexact=data.email).exists():  # as _set_person refuses it
        raise DomainValidationError({"email": [EMAIL_TAKEN]})
    if data.password is not None:
        validate_new_password(data.password, username=data.username, email=data.email)
    teams = teams_by_slug(data.team_slugs)
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
    if data.password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    profile = AgentProfile(
        user=user,
        skills=list(data.skills),
        max_capacity=data.max_capacity,
        is_available=data.is_available,
        latitude=data.place.latitude,
        longitude=data.place.longitude,
        timezone=data.place.timezone,
    )
    _clean(profile)
    profile.save()
    profile.teams.set(teams)
    record_audit(
        actor=actor,
        action="org.agent_created",
        data={"user": user.pk, "role": data.role, "teams": sorted(data.team_slugs)},
    )
    return profile


def teams_by_slug(slugs) -> list[Team]:
    """The teams with these slugs; an unknown slug is a field error."""
    teams = list(Team.objects.filter(slug__in=slugs))
    unknown = sorted(set(slugs) - {team.slug for team in teams})
    if unknown:
        raise DomainValidationError({"teams": [f"Unknown team: {slug}." for slug in unknown]})
    return teams


def _clean(profile: AgentProfile) -> None:
    try:
        profile.full_clean(exclude=["user"])
    except ValidationError as error:
        raise DomainValidationError(error.message_dict) from error


@dataclass(frozen=True)
class Person:
    """A user's name and address, as an agent's profile shows them."""

    name: str
    email: str


@transaction.atomic
def save_profile(
    *, actor, profile: AgentProfile, teams: list[Team], person: Person | None = None
) -> AgentProfile:
    """Create or change an agent's working profile (skills, capacity, availability, place,
    teams) and, with ``person``, their user's name and e-mail; audited with what changed."""
    created = profile.pk is None
    if not created:
        AgentProfile.objects.select_for_update().filter(pk=profile.pk).first()
    _clean(profile)
    profile.save()
    before = set() if created else set(profile.teams.values_list("slug", flat=True))
    profile.teams.set(teams)
    after = {team.slug for team in teams}
    if person is not None:
        _set_person(profile.user, person)
    record_audit(
        actor=actor,
        action="org.agent_profile_created" if created else "org.agent_profile_changed",
        data={
            "user": profile.user_id,
            "teams_added": sorted(after - before),
            "teams_removed": sorted(before - after),
        },
    )
    return profile


def _check_login(username: str, email: str) -> None:
    """A username and an e-mail address as the user model and the notifications need them."""
    errors = {}
    try:
        User._meta.get_field("username").clean(username, None)
    except ValidationError as error:
        errors["username"] = error.messages
    try:
        validate_email(email)
    except ValidationError as error:
        errors["email"] = error.messages
    if errors:
        raise DomainValidationError(errors)


def _set_person(user, person: Person) -> None:
    email = User.objects.normalize_email(person.email).strip()
    _check_login(user.username, email)
    taken = User.objects.filter(email__iexact=email).exclude(pk=user.pk)
    if email.lower() != user.email.lower() and taken.exists():
        raise DomainValidationError({"email": [EMAIL_TAKEN]})
    if email.lower() != user.email.lower():
        _refuse_held_address(email)
    first, _, last = person.name.partition(" ")
    if (user.first_name, user.last_name, user.email) != (first, last, email):
        user.first_name, user.last_name, user.email = first, last, email
        user.save(update_fields=["first_name", "last_name", "email"])


def _refuse_held_address(email: str) -> None:
    """A staff login never takes a requester's address: the contact's mail and tickets would
    be the agent's too (API.md refuses the converse on contacts). Tickets knows the contacts."""
    reason = address_held_elsewhere(email)
    if reason:
        raise DomainValidationError({"email": [reason]})
