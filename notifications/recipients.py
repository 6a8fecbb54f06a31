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
    _expand_teams(found, team_slugs)
    _add_by_email(found, agent_emails, requester_emails)
    return found


def _add_user(found: Recipients, user) -> None:
    if not user.is_active:
        return
    if role_of(user) == Role.REQUESTER:
        found.requesters[user.contact.pk] = user.contact
    else:
        found.agents[user.pk] = user


def _expand_teams(found: Recipients, slugs: list[str]) -> None:
    if not slugs:
        return
    teams = {team.slug: team.pk for team in Team.objects.filter(slug__in=set(slugs))}
    unknown = sorted(set(slugs) - set(teams))
    if unknown:
        raise _invalid(f"Unknown team: {', '.join(unknown)}.")
    members = list(
        AgentProfile.teams.through.objects.filter(
            team_id__in=teams.values(), agentprofile__user__is_active=True
        )
        .order_by("agentprofile__user_id", "team__name")
        .values_list("agentprofile__user_id", "team_id")
    )
    users = User.objects.in_bulk({user_id for user_id, _ in members})
    for user_id, team_id in members:
        found.agents.setdefault(user_id, users[user_id])
        found.via_team.setdefault(user_id, team_id)


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
