"""Who a notification goes to. ``notify`` accepts, in any mix:

- a user (an agent, manager or admin; a user whose role is requester counts as their contact),
- a ``tickets.Contact`` (a requester), a ``routing.Team`` (its members),
- ``"team:<slug>"`` (the team's members with an active login), ``"agent:<email>"``,
  ``"requester:<email>"``.

Everyone appears once, however many times they were named."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Model

from core.exceptions import DomainValidationError
from core.roles import Role, role_of
from org.models import AgentProfile, Team
from tickets.models import Contact

User = get_user_model()


@dataclass
class Recipients:
    agents: dict  # user id -> user
    requesters: dict  # contact id -> contact
    via_team: dict  # user id -> id of the team they were reached through (team: targets)


def resolve_recipients(recipients) -> Recipients:
    return resolve_many([recipients])[0]


def resolve_many(recipient_lists: list) -> list[Recipients]:
    """``resolve_recipients`` for each entry, in order: the teams named anywhere are read in
    two statements for all of them (a wave's notifications name a team each)."""
    named = [_named(recipients) for recipients in recipient_lists]
    members = _team_members({slug for one in named for slug in one.team_slugs})
    for one in named:
        # By user, then team name: someone in several of the teams named is reached through
        # the first of them by name.
        reached = sorted({row for slug in set(one.team_slugs) for row in members.by_slug[slug]})
        for user_id, _, team_id in reached:
            one.found.agents.setdefault(user_id, members.users[user_id])
            one.found.via_team.setdefault(user_id, team_id)
        _add_by_email(one.found, one.agent_emails, one.requester_emails)
    return [one.found for one in named]


@dataclass
class _Named:
    """One recipients list read: the users and contacts it names, and what needs a lookup."""

    found: Recipients
    team_slugs: list[str]
    agent_emails: list[str]
    requester_emails: list[str]


def _named(recipients) -> _Named:
    if isinstance(recipients, str | Model):
        recipients = [recipients]
    found = Recipients(agents={}, requesters={}, via_team={})
    team_slugs: list[str] = []
    agent_emails: list[str] = []
    requester_emails: list[str] = []
    for item in recipients:
        if isinstance(item, Contact):
            found.requesters[item.pk] = item
        elif isinstance(item, Team):
            team_slugs.append(item.slug)
        elif isinstance(item, User):
            _add_user(found, item)
        elif isinstance(item, str):
            kind, _, value = item.partition(":")
            value = value.strip()
            target = {"team": team_slugs, "agent": agent_emails, "requester": requester_emails}
            if kind not in target or not value:
                raise _invalid(f"Unknown recipient {item!r}: use team:, agent: or requester:.")
            target[kind].append(value)
        else:
            raise _invalid(f"Unknown recipient {item!r}.")
    return _Named(found, team_slugs, agent_emails, requester_emails)


def _add_user(found: Recipients, user) -> None:
    if not user.is_active:
        return
    if role_of(user) == Role.REQUESTER:
        found.requesters[user.contact.pk] = user.contact
    else:
        found.agents[user.pk] = user


@dataclass
class _Members:
    by_slug: dict  # slug -> the team's active members as (user id, team name, team id)
    users: dict  # user id -> user


def _team_members(slugs: set[str]) -> _Members:
    if not slugs:
        return _Members({}, {})
    teams = {team.slug: team for team in Team.objects.filter(slug__in=slugs)}
    unknown = sorted(slugs - set(teams))
    if unknown:
        raise _invalid(f"Unknown team: {', '.join(unknown)}.")
    rows = list(
        AgentProfile.teams.through.objects.filter(
            team_id__in=[team.pk for team in teams.values()], agentprofile__user__is_active=True
        ).values_list("agentprofile__user_id", "team_id")
    )
    by_team: dict = {}
    for user_id, team_id in rows:
        by_team.setdefault(team_id, []).append(user_id)
    by_slug = {
        slug: [(user_id, team.name, team.pk) for user_id in by_team.get(team.pk, [])]
        for slug, team in teams.items()
    }
    return _Members(by_slug, User.objects.in_bulk({user_id for user_id, _ in rows}))


def _add_by_email(found: Recipients, agent_emails: list[str], requester_emails: list[str]):
    for email in agent_emails:
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None or role_of(user) in (None, Role.REQUESTER):
            raise _invalid(f"No agent with e-mail {email}.")
        found.agents[user.pk] = user
    for email in requester_emails:
        contact = Contact.objects.filter(email__iexact=email).first()
        if contact is None:
            raise _invalid(f"No requester with e-mail {email}.")
        found.requesters[contact.pk] = contact


def _invalid(message: str) -> DomainValidationError:
    return DomainValidationError({"recipients": [message]})
