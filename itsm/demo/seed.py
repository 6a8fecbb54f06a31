"""The demo's ninety days of history: drawn (itsm.demo.plan), routed by the routing engine and
timed by the SLA arithmetic (itsm.demo.replay), lived step by step (itsm.demo.life) into the
rows the actions write (itsm.demo.rows), then inserted in bulk in one transaction. Runs once:
when demo tickets exist, nothing is added."""

import random
import uuid
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F

from escalations.models import Envelope
from itsm.demo.life import WORK_HOURS, Cast, live
from itsm.demo.plan import Draw, Requester, draw_tickets
from itsm.demo.replay import Router, run_clock
from itsm.demo.rows import History, TicketRows
from itsm.demo.texts import texts
from itsm.demo.writing import audit_row, insert
from kb.models import Article, ArticleStatus, ArticleUse
from notifications.models import SatisfactionRating
from org.models import AgentProfile, Team
from routing.models import AllocationDecision
from sla.actions.crossings import describe
from sla.models import SLAClock, SLACrossing, SLAPause
from sla.policies import PolicyBook
from sla.timing import running_due
from tickets.lifecycle import OPEN_STATUSES
from tickets.models import CaseFlag, Contact, Task, Ticket, TimelineEntry
from tickets.priority import priority_score
from tickets.references import reserve_references

PORTAL_SOURCES = ("portal", "web")  # the requester signed in; other sources arrive unattended
# Whom a team brings in when it needs another team's eyes (an envelope).
EXPERTS = {
    "network": "security",
    "identity": "security",
    "collaboration": "identity",
    "end-user": "software",
    "software": "end-user",
    "applications": "databases",
    "security": "network",
    "databases": "applications",
}
# The knowledge base's demo articles by the ticket categories they help with.
ARTICLE_CATEGORY = {
    "vpn": "vpn",
    "password": "access",
    "access": "access",
    "printer": "printer",
    "email": "email",
    "phishing": "security",
    "wifi": "network",
    "database": "database",
    "software": "software",
    "hardware": "hardware",
}


def demo_history_exists() -> bool:
    return Ticket.objects.filter(external_metadata__has_key="demo_id").exists()


def requesters() -> list[Requester]:
    contacts = Contact.objects.select_related("company").order_by("email")
    return [
        Requester(
            contact.pk, contact.user_id, contact.email, contact.name, contact.effective_tier,
            contact.latitude, contact.longitude, contact.timezone,
        )
        for contact in contacts
    ]  # fmt: skip


class Desk:
    """The teams and agents as the history needs them: names, time zones, members."""

    def __init__(self) -> None:
        self.teams = {str(t.pk): t for t in Team.objects.all()}
        self.by_slug = {t.slug: t for t in self.teams.values()}
        self.members: dict[str, list[int]] = defaultdict(list)
        self.names: dict[int, str] = {}
        profiles = AgentProfile.objects.select_related("user").prefetch_related("teams")
        for profile in profiles.order_by("user__username"):
            self.names[profile.user_id] = profile.user.get_full_name() or profile.user.username
            for team in profile.teams.all():
                self.members[str(team.pk)].append(profile.user_id)
        articles = Article.objects.filter(status=ArticleStatus.PUBLISHED).order_by("title")
        first = {}
        for article in articles:
            first.setdefault(article.category, (article.pk, article.title))
        self.articles = {c: first[k] for c, k in ARTICLE_CATEGORY.items() if k in first}


def _cast(draw: Draw, desk: Desk, team_id: str, suggested: int | None) -> Cast:
    rng = random.Random(f"demo-cast-{draw.demo_id}")  # noqa: S311 - demo data, not secrets
    members = desk.members[team_id]
    owner = suggested if suggested in members and rng.random() < 0.75 else rng.choice(members)
    expert_slug = EXPERTS.get(desk.teams[team_id].slug)
    expert = None
    if expert_slug in desk.by_slug:
        other = desk.by_slug[expert_slug]
        expert_id = rng.choice([m for m in desk.members[str(other.pk)] if m != owner])
        expert = (str(other.pk), other.name, expert_id, desk.names[expert_id], other.slug)
    return Cast(owner, desk.names[owner], tuple(members), expert, draw.requester.user_id)


def _rating(draw: Draw, steps, rng_seed: float) -> SatisfactionRating:
    """Most requesters are content; slow resolutions rate lower."""
    resolved = next(step.at for step in reversed(steps) if step.kind == "resolve")
    slow = (resolved - draw.created_at) > timedelta(hours=3 * WORK_HOURS[draw.priority])
    score = 5 if rng_seed < 0.55 else 4 if rng_seed < 0.8 else 3 if rng_seed < 0.9 else 2
    score = max(1, score - (2 if slow and rng_seed > 0.4 else 0))
    comments = texts().csat_comments[score]
    return SatisfactionRating(rating=score, comment=comments[int(rng_seed * 1000) % len(comments)])


def _references(draws: list[Draw]) -> list[str]:
    """Each ticket's number, counted per prefix and year in arrival order."""
    wanted: dict[tuple[str, int], list[int]] = defaultdict(list)
    for position, draw in enumerate(draws):
        wanted[(draw.type, draw.created_at.year)].append(position)
    found = [""] * len(draws)
    for (kind, year), positions in sorted(wanted.items()):
        numbers = reserve_references(ticket_type=kind, year=year, count=len(positions))
        for position, reference in zip(positions, numbers, strict=True):
            found[position] = reference
    return found


def build(count: int, now: datetime) -> tuple[History, list, list, list]:
    """Every row of ``count`` tickets, not yet written."""
    desk, router, book, token = Desk(), Router(), PolicyBook(), uuid.uuid4()
    categories = {category.name: category for category in texts().categories}
    contacts = {c.pk: c for c in Contact.objects.select_related("company")}
    draws = draw_tickets(count, now, requesters())
    references = _references(draws)
    history, clocks, pauses, crossings = History(), [], [], []
    for draw, reference in zip(draws, references, strict=True):
        ticket = Ticket(
            id=uuid.uuid4(), reference=reference, type=draw.type, title=draw.title,
            description=draw.description, category=draw.category, priority=draw.priority,
            urgency=draw.urgency, impact=draw.impact, source=draw.source,
            external_id=draw.external_id, external_metadata={"demo_id": draw.demo_id},
            requester=contacts[draw.requester.contact_id], created_at=draw.created_at,
        )  # fmt: skip
        portal = draw.source in PORTAL_SOURCES
        rows = TicketRows(history, ticket, desk.names, draw.requester.user_id, not portal)
        rows.created(draw.requester.user_id if portal else None)
        routed = router.route(draw, str(ticket.pk))
        decision = routed.decision
        stored = AllocationDecision(
            id=uuid.uuid4(), ticket_id=ticket.pk, event="ticket.created", method=decision.method,
            team_id=decision.team.team_id if decision.team else None,
            team_name=decision.team.name if decision.team else "",
            assigned_user_id=routed.agent.user_id if routed.agent else None,
            assigned_user_email=routed.agent_email or "",
            rule_id=decision.rule.rule_id if decision.rule else None,
            rule_name=decision.rule.name if decision.rule else "", scores=decision.scores,
            candidates=decision.candidate_documents, actions=list(decision.effects),
            rationale=decision.rationale, confidence=decision.confidence,
            duration_ms=routed.duration_ms, decided_at=routed.decided_at,
        )  # fmt: skip
        ticket.team_id = stored.team_id
        rows.routed(stored, desk.teams[str(stored.team_id)].slug)
        cast = _cast(draw, desk, str(stored.team_id), stored.assigned_user_id)
        team_tz = desk.teams[str(stored.team_id)].timezone
        steps = live(draw, categories[draw.category], cast, team_tz, now)
        for step in steps:
            if step.kind == "csat":
                step.extra["rating"] = _rating(draw, steps, step.extra["seed"])
            if step.kind == "envelope":
                step.extra["team_slug"] = cast.expert_team[4]
            rows.step(step, now, desk.articles)
        ticket.status = rows.status
        result = run_clock(ticket, book, sorted(rows.happenings, key=lambda h: h[0]), now)
        clocks.append(result.clock)
        pauses += result.pauses
        for kind, threshold in result.crossings:
            seen = min(threshold + timedelta(seconds=45), now)
            crossing = SLACrossing(
                ticket_id=ticket.pk, clock=result.clock, policy_id=result.clock.policy_id,
                kind=kind, threshold_at=threshold, recorded_at=seen, token=token,
            )  # fmt: skip
            crossings.append(crossing)
            rows.entry(seen, TimelineEntry.Type.SYSTEM, describe(crossing))
            data = {"threshold_at": threshold.isoformat(), "policy": crossing.policy_id}
            history.audit.append(audit_row(seen, f"sla.{kind}", ticket_id=ticket.pk, data=data))
        ticket.sla_pressure = result.pressure
        ticket.sla_due = running_due(result.clock)
        ticket.priority_score = priority_score(
            priority=ticket.priority, tier=draw.requester.tier, status=ticket.status,
            pressure=result.pressure,
        )  # fmt: skip
        ticket.updated_at = max([stored.decided_at, *(step.at for step in steps)])
        router.hold(str(stored.team_id), ticket.owner_id, ticket.priority, ticket.resolved_at)
        history.tickets.append(ticket)
    _distinct_open_titles(history.tickets)
    return history, clocks, pauses, crossings


def _distinct_open_titles(tickets: list[Ticket]) -> None:
    """An open ticket's title says whose it is when another open ticket has the same words:
    the queue never shows two identical lines."""
    seen: set[str] = set()
    for ticket in tickets:
        if ticket.status in OPEN_STATUSES:
            if ticket.title in seen:
                ticket.title = f"{ticket.title} ({ticket.requester.company.name})"
            seen.add(ticket.title)


@transaction.atomic
def seed_history(*, count: int, now: datetime) -> int:
    """Write the history (``count`` tickets); 0 when the demo's tickets exist already."""
    if count <= 0 or demo_history_exists():
        return 0
    history, clocks, pauses, crossings = build(count, now)
    insert(Ticket, history.tickets)
    insert(AllocationDecision, history.decisions)
    insert(Envelope, history.envelopes)
    insert(TimelineEntry, sorted(history.entries, key=lambda entry: entry.created_at))
    insert(Task, history.tasks)
    insert(CaseFlag, history.flags)
    insert(SLAClock, clocks)
    insert(SLAPause, pauses)
    insert(SLACrossing, crossings)
    insert(ArticleUse, history.uses)
    insert(SatisfactionRating, history.ratings)
    insert(type(history.audit[0]), sorted(history.audit, key=lambda row: row.at))
    used = defaultdict(int)
    for use in history.uses:
        used[use.article_id] += 1
    for article_id, times in used.items():
        Article.objects.filter(pk=article_id).update(used_count=F("used_count") + times)
    return len(history.tickets)
