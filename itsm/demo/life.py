"""What happened to one demo ticket after it was routed, as a list of steps in time order:
accepted, answered, waiting on the requester, escalated to experts, tasks, resolved (with the
knowledge-base article used), reopened now and then, closed, rated. Durations are drawn per
priority and team from the ticket's own seed; anything that would lie after "now" has not
happened yet, which is what leaves the recent tickets open."""

import math
import random
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from itsm.demo.plan import Draw
from itsm.demo.texts import Category, fill, texts

# Median minutes to acceptance and hours of work, per priority.
ACCEPT_MINUTES = {"critical": 6, "high": 20, "medium": 55, "low": 140}
WORK_HOURS = {"critical": 2.5, "high": 6.0, "medium": 16.0, "low": 40.0}
OFFICE = (8, 18)  # team local time, Monday to Friday
SUMMARIES = (
    "Found and fixed on our side.",
    "Nothing wrong on our side; logs attached.",
    "Configuration corrected; please retest.",
)


@dataclass(frozen=True)
class Step:
    at: datetime
    kind: str  # accept reply note ask answer envelope task resolve reopen close csat kb thanks
    actor_id: int | None = None  # the user who acted (None: the system or an integration)
    text: str = ""
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Cast:
    """Who may act on the ticket: its owner-to-be, the team's agents, other teams' experts."""

    owner_id: int
    owner_name: str
    team_agents: tuple[int, ...]
    expert_team: tuple | None  # (team id, name, expert user id, expert name, slug)
    requester_user_id: int | None


def lognormal(rng: random.Random, median: float, spread: float = 0.8) -> float:
    return median * math.exp(rng.gauss(0.0, spread))


def next_office_moment(instant: datetime, timezone: str, rng: random.Random) -> datetime:
    """The instant itself inside the team's office hours, else the next opening (+ minutes)."""
    zone = zoneinfo.ZoneInfo(timezone)
    local = instant.astimezone(zone)
    for _ in range(8):
        if local.weekday() < 5 and OFFICE[0] <= local.hour < OFFICE[1]:
            return local.astimezone(instant.tzinfo)
        if local.hour >= OFFICE[1] or local.weekday() >= 5:
            local = (local + timedelta(days=1)).replace(hour=OFFICE[0], minute=0)
        else:
            local = local.replace(hour=OFFICE[0], minute=0)
        local += timedelta(minutes=rng.randrange(5, 50))
    return local.astimezone(instant.tzinfo)


def live(draw: Draw, category: Category, cast: Cast, team_tz: str, now: datetime) -> list[Step]:
    """The ticket's steps up to ``now`` (empty: nobody has accepted it yet)."""
    rng = random.Random(f"demo-life-{draw.demo_id}")  # noqa: S311 - demo data, not secrets
    words = texts()
    first = draw.requester.name.split()[0]
    urgent = draw.priority in ("critical", "high")
    arrived = draw.created_at + timedelta(minutes=lognormal(rng, ACCEPT_MINUTES[draw.priority]))
    accepted = arrived if urgent else next_office_moment(arrived, team_tz, rng)
    if rng.random() < 0.04:  # now and then a ticket sits in the queue far too long
        accepted += timedelta(hours=lognormal(rng, 20))
    if accepted > now:
        return []
    steps = [Step(accepted, "accept", cast.owner_id)]
    clock = accepted + timedelta(minutes=rng.randrange(2, 15))
    steps.append(
        Step(
            clock,
            "reply",
            cast.owner_id,
            fill(rng.choice(words.acknowledgements), rng, {"first": first}),
        )
    )
    work = timedelta(hours=lognormal(rng, WORK_HOURS[draw.priority], 0.9))
    if rng.random() < 0.03:  # a few linger for weeks (a vendor, a part on order)
        work *= 12
    if rng.random() < 0.5:
        steps.append(Step(clock + work * 0.4, "note", cast.owner_id, rng.choice(words.notes)))
    cursor = clock  # phases follow each other: waiting, then experts, then the fix
    if rng.random() < 0.28:
        asked = cursor + work * 0.2
        answered = asked + timedelta(hours=lognormal(rng, 9, 1.2))
        question = fill(rng.choice(category.questions), rng)
        steps.append(Step(asked, "ask", cast.owner_id, question))
        reply = rng.choice(words.requester_replies)
        steps.append(Step(answered, "answer", cast.requester_user_id, reply))
        cursor = answered
    if cast.expert_team is not None and rng.random() < (0.18 if urgent else 0.06):
        team_id, label, expert_id, expert_name = cast.expert_team[:4]
        opened = cursor + work * 0.2
        taken = opened + timedelta(minutes=lognormal(rng, 60))
        done = taken + timedelta(hours=lognormal(rng, 9, 1.0))
        extra = {
            "team_id": team_id,
            "label": label,
            "expert_id": expert_id,
            "expert_name": expert_name,
            "taken": taken,
            "done": done,
            "summary": rng.choice(SUMMARIES),
        }
        reason = f"Need {label} to check their side: {draw.title}."
        steps.append(Step(opened, "envelope", cast.owner_id, reason, extra))
        cursor = done
    if rng.random() < 0.06 and len(cast.team_agents) > 1:
        helper = rng.choice([agent for agent in cast.team_agents if agent != cast.owner_id])
        created = clock + work * 0.1
        title = f"Check the {draw.category} settings with the requester"
        extra = {"assignee": helper, "done": created + work * 0.3}
        steps.append(Step(created, "task", cast.owner_id, title, extra))
    resolved = max(cursor, clock) + work * 0.8
    steps.append(
        Step(resolved, "resolve", cast.owner_id, fill(rng.choice(category.resolutions), rng))
    )
    if rng.random() < 0.25:
        steps.append(
            Step(
                resolved - timedelta(minutes=4),
                "kb",
                cast.owner_id,
                "",
                {"score": round(rng.uniform(0.55, 0.95), 3)},
            )
        )
    after = resolved
    if rng.random() < 0.035:
        reopened = resolved + timedelta(hours=lognormal(rng, 20))
        steps.append(Step(reopened, "reopen", cast.requester_user_id, "It is broken again."))
        after = reopened + timedelta(hours=lognormal(rng, 4))
        steps.append(
            Step(
                after,
                "resolve",
                cast.owner_id,
                "Fixed for good this time: " + fill(rng.choice(category.resolutions), rng),
            )
        )
    if rng.random() < 0.35:
        steps.append(
            Step(
                after + timedelta(minutes=rng.randrange(20, 600)),
                "thanks",
                cast.requester_user_id,
                rng.choice(words.thanks),
            )
        )
    if rng.random() < 0.4:
        steps.append(
            Step(
                after + timedelta(hours=lognormal(rng, 10)),
                "csat",
                None,
                "",
                {"seed": rng.random()},
            )
        )
    closer = cast.requester_user_id if rng.random() < 0.4 else cast.owner_id
    steps.append(Step(after + timedelta(days=rng.uniform(2.0, 5.0)), "close", closer))
    steps.sort(key=lambda step: step.at)
    return [step for step in steps if step.at <= now]
