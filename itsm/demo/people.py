"""The demo's people: teams (through org's action), agents and the manager, companies and
requesters with their portal logins. Keyed by slug, username and e-mail: what exists stays as
it is. Agents are written as org.actions.agents.create_agent writes them (login, role group,
profile, teams, audit row), all at once and with one password hash for every demo login:
hashing forty passwords one by one takes longer than the rest of the demo."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from core.models import AuditLog
from core.roles import Role
from itsm.demo import catalogue as c
from itsm.demo.profiles import team_profile, write_category_profiles
from itsm.demo.writing import audit_row, insert
from org.actions.teams import save_team
from org.models import AgentProfile, Team
from tickets.models import Company, CompanyDomain, Contact

User = get_user_model()
JOINED_DAYS_AGO = 400  # the desk existed before the ninety days of history


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    role: str
    teams: tuple[str, ...]
    skills: tuple[str, ...]
    capacity: int
    city: c.City


def agent_people() -> list[Person]:
    """Forty agents (five a team, some serving a second team or working remotely) and the
    manager; skills and capacities drawn once from a fixed seed."""
    rng = random.Random("demo-agents")  # noqa: S311 - demo data, not secrets
    people = []
    for team in c.TEAMS:
        for position, (username, name) in enumerate(team.agents):
            teams = (
                team.slug,
                *((c.SECOND_TEAMS[username],) if username in c.SECOND_TEAMS else ()),
            )
            skills = tuple(sorted(rng.sample(team.skills, k=min(3, len(team.skills)))))
            capacity = 14 if position == 0 else rng.choice((8, 10, 10, 12))
            city = c.REMOTE_AGENTS.get(username, team.city)
            people.append(Person(username, name, Role.AGENT, teams, skills, capacity, city))
    manager = Person(*c.MANAGER, Role.MANAGER, (), ("reporting",), 10, c.LONDON)
    return [*people, manager]


def write_teams(now: datetime) -> int:
    """The eight teams, through org's action (audited); an existing slug is left alone."""
    existing = set(Team.objects.values_list("slug", flat=True))
    created = 0
    for spec in c.TEAMS:
        if spec.slug in existing:
            continue
        save_team(
            actor=None,
            team=None,
            data={
                "slug": spec.slug,
                "name": spec.name,
                "capabilities": list(spec.capabilities),
                **team_profile(spec.slug),
                "max_bandwidth": spec.max_bandwidth,
                "metrics": {
                    "avg_resolution_time_hours": spec.resolution_hours,
                    "cultural_competencies": list(spec.competencies),
                },
                "location": {
                    "lat": spec.city.latitude,
                    "lng": spec.city.longitude,
                    "timezone": spec.city.timezone,
                },
            },
        )
        created += 1
    write_category_profiles()
    Team.objects.filter(slug__in=[spec.slug for spec in c.TEAMS]).update(
        created_at=now - timedelta(days=JOINED_DAYS_AGO)
    )
    return created


def write_agents(now: datetime, password_hash: str) -> int:
    """The agents and the manager that do not exist yet, as create_agent writes them."""
    taken = set(User.objects.values_list("username", flat=True))
    people = [person for person in agent_people() if person.username not in taken]
    if not people:
        return 0
    joined = now - timedelta(days=JOINED_DAYS_AGO)
    User.objects.bulk_create(
        [
            User(
                username=person.username,
                email=f"{person.username}@servicedesk.example",
                password=password_hash,
                first_name=person.name.partition(" ")[0],
                last_name=person.name.partition(" ")[2],
                date_joined=joined,
            )
            for person in people
        ]
    )
    users = {
        user.username: user
        for user in User.objects.filter(username__in=[p.username for p in people])
    }
    groups = {
        role: Group.objects.get_or_create(name=role)[0] for role in (Role.AGENT, Role.MANAGER)
    }
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=users[p.username].pk, group_id=groups[p.role].pk)
        for p in people
    )
    AgentProfile.objects.bulk_create(
        AgentProfile(
            user=users[p.username],
            skills=list(p.skills),
            max_capacity=p.capacity,
            latitude=p.city.latitude,
            longitude=p.city.longitude,
            timezone=p.city.timezone,
        )
        for p in people
    )
    teams = dict(Team.objects.values_list("slug", "pk"))
    by_user = {
        profile.user_id: profile for profile in AgentProfile.objects.filter(user__in=users.values())
    }
    AgentProfile.teams.through.objects.bulk_create(
        AgentProfile.teams.through(
            agentprofile_id=by_user[users[p.username].pk].pk, team_id=teams[slug]
        )
        for p in people
        for slug in p.teams
    )
    audit = [
        audit_row(
            joined,
            "org.agent_created",
            data={"user": users[p.username].pk, "role": str(p.role), "teams": sorted(p.teams)},
        )
        for p in people
    ]
    insert(AuditLog, audit)
    return len(people)


def requester_rows() -> list[tuple[str, str, c.CompanySpec]]:
    """(e-mail, name, company) of the three hundred requesters: the named ones first, then
    people drawn from the name lists, each company's share as the catalogue gives it."""
    rng = random.Random("demo-requesters")  # noqa: S311 - demo data, not secrets
    by_domain = {company.domain: company for company in c.COMPANIES}
    rows = [(email, name, by_domain[email.split("@")[1]]) for email, name in c.NAMED_REQUESTERS]
    seen = {email for email, _, _ in rows}
    for company in c.COMPANIES:
        wanted = company.people - sum(1 for _, _, co in rows if co is company)
        while wanted > 0:
            first, last = rng.choice(c.FIRST_NAMES), rng.choice(c.LAST_NAMES)
            email = f"{first}.{last}@{company.domain}".lower()
            if email in seen:
                continue
            seen.add(email)
            rows.append((email, f"{first} {last}", company))
            wanted -= 1
    return rows


def write_requesters(now: datetime, password_hash: str) -> int:
    """Companies and requesters that do not exist yet; each requester signs in to the portal
    with the demo password (a contact with a login, as the old demo had)."""
    joined = now - timedelta(days=JOINED_DAYS_AGO)
    known = set(Company.objects.values_list("name", flat=True))
    insert(
        Company,
        [
            Company(name=spec.name, tier=spec.tier, created_at=joined)
            for spec in c.COMPANIES
            if spec.name not in known
        ],
    )
    companies = dict(Company.objects.values_list("name", "pk"))
    listed = set(CompanyDomain.objects.values_list("domain", flat=True))
    insert(
        CompanyDomain,
        [
            CompanyDomain(company_id=companies[spec.name], domain=spec.domain.lower())
            for spec in c.COMPANIES
            if spec.domain.lower() not in listed
        ],
    )
    taken = {email.lower() for email in Contact.objects.values_list("email", flat=True)}
    taken |= {name.lower() for name in User.objects.values_list("username", flat=True)}
    rows = [row for row in requester_rows() if row[0] not in taken]
    if not rows:
        return 0
    User.objects.bulk_create(
        User(
            username=email, email=email, password=password_hash, first_name=name, date_joined=joined
        )
        for email, name, _ in rows
    )
    users = dict(
        User.objects.filter(username__in=[email for email, _, _ in rows]).values_list(
            "username", "pk"
        )
    )
    vip = {
        email
        for position, (email, _, _) in enumerate(requester_rows())
        if position % c.VIP_EVERY == 7
    }
    insert(
        Contact,
        [
            Contact(
                email=email,
                name=name,
                company_id=companies[company.name],
                tier="vip" if email in vip else "standard",
                user_id=users[email],
                latitude=company.city.latitude,
                longitude=company.city.longitude,
                timezone=company.city.timezone,
                created_at=joined,
            )
            for email, name, company in rows
        ],
    )
    return len(rows)


def demo_password_hash() -> str:
    return make_password(c.DEMO_PASSWORD)
