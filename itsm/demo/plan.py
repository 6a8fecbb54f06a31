"""What each demo ticket is (category, type, priority, words, source, requester) and when it
arrived: drawn from fixed seeds, so every run draws the same desk. Arrivals follow a working
week (busy Monday mornings, quiet weekends) in the requester's own time zone, with a slow
growth over the ninety days and two busy days (an outage, a phishing wave)."""

import random
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from itsm.demo.texts import Category, fill, texts
from tickets.priority import derive_priority

DAYS = 90
WEEKDAY_WEIGHT = (1.25, 1.1, 1.05, 1.0, 0.85, 0.18, 0.12)  # Monday first
# Local hour of arrival: office hours with a morning peak and a dip at lunch.
HOUR_WEIGHT = (
    0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4.0, 6.0, 5.5, 4.5,
    2.5, 3.5, 4.5, 4.0, 3.0, 2.0, 1.0, 0.6, 0.5, 0.4, 0.3, 0.2,
)  # fmt: skip
RECENT_TITLES = 400  # no title repeats among this many tickets in a row
BUSY_DAYS = {31: 1.9, 64: 1.6}  # days after the first: an outage, a phishing wave
SOURCES = (
    ("email", 0.34),
    ("portal", 0.26),
    ("web", 0.08),
    ("api", 0.08),
    ("servicenow", 0.14),
    ("jira", 0.10),
)


@dataclass(frozen=True)
class Requester:
    contact_id: int
    user_id: int | None
    email: str
    name: str
    tier: str  # effective: the better of their own and their company's
    latitude: float | None
    longitude: float | None
    timezone: str


@dataclass(frozen=True)
class Draw:
    number: int  # position in arrival order, from 1
    demo_id: str
    category: str
    type: str
    urgency: str
    impact: str
    priority: str
    title: str
    description: str
    source: str
    external_id: str
    requester: Requester
    created_at: datetime


def _weighted(rng: random.Random, pairs) -> str:
    names, weights = zip(*pairs, strict=True)
    return rng.choices(names, weights=weights)[0]


def _external_id(source: str, number: int) -> str:
    """What the source calls the ticket: ServiceNow and Jira numbers, a message id."""
    if source == "servicenow":
        return f"INC{10040000 + number * 7:08d}"
    if source == "jira":
        return f"IT-{4100 + number}"
    if source == "api":
        return f"ext-{number:05d}"
    return ""


def _words(category: Category, rng: random.Random, first: str, recent: list[str]):
    """A title none of the recent tickets has (an old one may repeat, as at any desk), and a
    description that speaks of the same things."""
    for _ in range(20):
        known = {"first": first}
        title = fill(rng.choice(category.titles), rng, known)
        if title not in recent:
            break
    recent.append(title)
    del recent[:-RECENT_TITLES]
    known = {**known, "first": first}
    description = fill(rng.choice(category.descriptions), rng, known)
    return title, description


def arrivals(count: int, now: datetime, requesters: list[Requester], rng) -> list[datetime]:
    """One arrival instant per requester given (the i-th ticket's requester), over the last
    ninety days: a day by the working week's weights, an hour by the office day's in the
    requester's time zone."""
    start = (now - timedelta(days=DAYS - 1)).date()
    day_weights = []
    for offset in range(DAYS):
        day = start + timedelta(days=offset)
        growth = 0.85 + 0.3 * offset / (DAYS - 1)
        day_weights.append(WEEKDAY_WEIGHT[day.weekday()] * growth * BUSY_DAYS.get(offset, 1.0))
    instants = []
    for requester in requesters[:count]:
        zone = zoneinfo.ZoneInfo(requester.timezone or "UTC")
        for _ in range(50):
            day = start + timedelta(days=rng.choices(range(DAYS), weights=day_weights)[0])
            hour = rng.choices(range(24), weights=HOUR_WEIGHT)[0]
            local = datetime.combine(day, time(hour), tzinfo=zone)
            instant = local + timedelta(seconds=rng.randrange(3600))
            if instant <= now:
                break
        else:
            instant = now - timedelta(minutes=rng.randrange(1, 600))
        instants.append(instant.astimezone(now.tzinfo))
    return instants


def draw_tickets(count: int, now: datetime, requesters: list[Requester]) -> list[Draw]:
    """``count`` tickets in arrival order (the oldest first)."""
    rng = random.Random("demo-tickets")  # noqa: S311 - demo data, not secrets
    catalogue = texts().categories
    # A few requesters write many tickets, most write a handful.
    people = [requesters[int(len(requesters) * rng.random() ** 1.6)] for _ in range(count)]
    instants = arrivals(count, now, people, random.Random("demo-arrivals"))  # noqa: S311
    order = sorted(range(count), key=lambda i: (instants[i], i))
    recent: list[str] = []
    draws = []
    for number, index in enumerate(order, start=1):
        category = rng.choices(catalogue, weights=[c.weight for c in catalogue])[0]
        requester = people[index]
        kind = _weighted(rng, category.types)
        urgency, impact = rng.choice(category.urgency), rng.choice(category.impact)
        title, description = _words(category, rng, requester.name.split()[0], recent)
        source = _weighted(rng, SOURCES)
        draws.append(
            Draw(
                number=number,
                demo_id=f"demo-{number:04d}",
                category=category.name,
                type=kind,
                urgency=urgency,
                impact=impact,
                priority=derive_priority(urgency, impact),
                title=title,
                description=description,
                source=source,
                external_id=_external_id(source, number),
                requester=requester,
                created_at=instants[index],
            )
        )
    return draws
