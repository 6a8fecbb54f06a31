"""Reads for routing: the snapshots the engine decides on, each in one query whatever the number
of tickets (loads and metrics are correlated subqueries that use the (team, status) index),
plus the reads the API needs (groups with their live load, latest decisions)."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from org.models import AgentProfile, Team
from routing import config_cache, team_reads, ticket_reads
from routing.models import DEFAULT_WEIGHTS, AllocationDecision, RoutingRule, ScoringWeights
from routing.semantic import service as semantic
from routing.semantic.blend import TriageResult
from routing.snapshots import (
    AgentSnapshot,
    RoutingConfig,
    RuleSnapshot,
    TeamSnapshot,
    TicketSnapshot,
)
from tickets.lifecycle import OPEN_STATUSES, TicketStatus
from tickets.models import Contact, TeamLoad, Ticket

# Open work whose SLA clock runs: waiting on the requester does not count as load.
RUNNING_STATUSES = tuple(sorted(set(OPEN_STATUSES) - {TicketStatus.WAITING}))
OPEN = tuple(sorted(OPEN_STATUSES))


def as_uuid(value) -> str | None:
    """A team id from a subquery (SQLite hands back the bare hex) as the canonical string."""
    return str(uuid.UUID(str(value))) if value else None


# --- configuration -------------------------------------------------------------------------


def weight_rows() -> list[ScoringWeights]:
    return list(config_cache.current().weight_rows)


def routing_config(
    rows: Iterable[ScoringWeights], category: str, keywords: tuple[str, ...] = ()
) -> RoutingConfig:
    """The default row's knobs, with the category's own weights when it has a row."""
    by_category = {row.category: row for row in rows}
    default = by_category.get("")
    chosen = by_category.get((category or "").strip().lower()) or default
    weights = chosen.weights() if chosen else dict(DEFAULT_WEIGHTS)
    if default is None:
        return RoutingConfig(weights=weights, category_keywords=keywords)
    return RoutingConfig(
        weights=weights,
        load_per_priority={
            "critical": default.load_critical,
            "high": default.load_high,
            "medium": default.load_medium,
            "low": default.load_low,
        },
        min_resolved_samples=default.min_resolved_samples,
        category_keywords=keywords,
    )


def affinity_window_hours(rows: Iterable[ScoringWeights]) -> int:
    default = next((row for row in rows if row.category == ""), None)
    return default.affinity_window_hours if default else 72


def keyword_map() -> dict[str, str]:
    return dict(config_cache.current().keyword_map)


def rule_snapshots(event: str, rule_ids: Iterable[int] | None = None) -> list[RuleSnapshot]:
    """The active rules of an event in order (memoised), or the chosen ones, active or not
    (the admin's "try these rules")."""
    if rule_ids is None:
        return list(config_cache.current().rules_by_event.get(event, ()))
    rules = RoutingRule.objects.filter(event=event, pk__in=list(rule_ids))
    rows = rules.order_by("order", "name").values_list(
        "pk", "name", "conditions", "actions", "stop"
    )
    return [
        RuleSnapshot(pk, name, tuple(conditions), tuple(actions), stop)
        for pk, name, conditions, actions, stop in rows
    ]


def agent_directory(rules: Iterable[RuleSnapshot]) -> dict[str, list[str]]:
    """Team ids of the agents named by ``agent:<email>`` rule targets (no query without)."""
    emails = {
        action["to"].partition(":")[2].strip().lower()
        for rule in rules
        for action in rule.actions
        if action["type"] == "assign" and str(action.get("to", "")).startswith("agent:")
    }
    if not emails:
        return {}
    directory: dict[str, list[str]] = {}
    rows = AgentProfile.teams.through.objects.filter(
        agentprofile__user__email__in=emails, agentprofile__user__is_active=True
    ).values_list("agentprofile__user__email", "team_id")
    for email, team_id in rows.order_by("team__name"):
        directory.setdefault(email.lower(), []).append(as_uuid(team_id))
    return directory


# --- the ticket ----------------------------------------------------------------------------


def _previous_team(category, since: datetime, requester_ref: str, exclude_ref=None):
    previous = Ticket.objects.filter(
        requester=OuterRef(requester_ref),
        category=category,
        team__isnull=False,
        created_at__gte=since,
    )
    if exclude_ref is not None:
        previous = previous.exclude(pk=OuterRef(exclude_ref))
    return Subquery(previous.order_by("-created_at").values("team_id")[:1])


@dataclass(frozen=True)
class TicketRead:
    """A ticket as routing reads it, with what a batch needs to see the tickets it routes
    before this one as routing them one by one would (routing.actions.batch)."""

    ticket: Ticket
    snapshot: TicketSnapshot
    triaged: bool  # the category is the triage's guess
    # The category the requester's earlier tickets are matched on for affinity ("" when
    # affinity does not apply), and when the ticket giving the requester's team was created.
    affinity_category: str = ""
    requester_previous_at: datetime | None = None
    triage: TriageResult | None = None  # semantic triage's reading, when it ran


def ticket_snapshot(
    *, ticket_id, keyword_map: dict[str, str], window_hours: int, now: datetime, lock=False
) -> tuple[Ticket, TicketSnapshot, bool]:
    """The ticket with its requester, flags and affinity candidates: one query (one row per
    flag, at most a handful), which with ``lock`` also takes the ticket's row lock. A ticket
    without a category gets the triage's guess (third value True), and then one more query
    looks for the requester's previous team."""
    reads = ticket_snapshots(
        ticket_ids=[ticket_id],
        keyword_map=keyword_map,
        window_hours=window_hours,
        now=now,
        lock=lock,
    )
    if not reads:
        raise Ticket.DoesNotExist(f"No ticket {ticket_id}.")
    read = next(iter(reads.values()))
    return read.ticket, read.snapshot, read.triaged


def ticket_snapshots(
    *, ticket_ids, keyword_map: dict[str, str], window_hours: int, now: datetime, lock=False
) -> dict[uuid.UUID, TicketRead]:
    """``ticket_snapshot`` for many tickets, keyed by id (a missing one has no key): one query
    for all of them (locked in id order), and one more when the triage guessed categories."""
    since = now - timedelta(hours=window_hours)
    by_ticket = ticket_reads.tickets_rows(
        ticket_ids, since=since if window_hours else None, lock=lock
    )
    readings = {
        pk: semantic.guess(rows[0].title, rows[0].description, keyword_map)
        for pk, rows in by_ticket.items()
        if not rows[0].category.strip()
    }
    guesses = {pk: category for pk, (category, _) in readings.items()}
    guessed_previous = _guessed_previous(by_ticket, guesses, since) if window_hours else {}
    reads = {
        pk: _ticket_read(rows, guesses.get(pk, ""), guessed_previous.get(pk), bool(window_hours))
        for pk, rows in by_ticket.items()
    }
    return {
        pk: replace(read, triage=readings[pk][1]) if pk in readings else read
        for pk, read in reads.items()
    }


def _guessed_previous(by_ticket: dict, guesses: dict, since: datetime) -> dict:
    """For tickets the triage gave a category: the team of the requester's latest ticket of
    that category within the window, with when it was created. One query for all."""
    wanted = {pk: (by_ticket[pk][0].requester_id, guess) for pk, guess in guesses.items() if guess}
    if not wanted:
        return {}
    match = Q()
    for requester_id, category in set(wanted.values()):
        match |= Q(requester_id=requester_id, category=category)
    rows = list(
        Ticket.objects.filter(match, team__isnull=False, created_at__gte=since)
        .order_by("-created_at")
        .values_list("pk", "requester_id", "category", "team_id", "created_at")
    )
    found = {}
    for pk, key in wanted.items():
        found[pk] = next(
            ((team, at) for other, *row_key, team, at in rows if row_key == [*key] and other != pk),
            None,
        )
    return found


def _ticket_read(rows: list[Ticket], guess: str, guessed_previous, window: bool) -> TicketRead:
    ticket = rows[0]
    category = ticket.category.strip().lower()
    affinity_category = ticket.category if category and window else ""
    requester_previous = getattr(ticket, "requester_previous_team", None) if category else None
    previous_at = _as_datetime(getattr(ticket, "requester_previous_at", None)) if category else None
    triaged = False
    if not category:
        category, triaged = guess, bool(guess)
        if triaged and window:
            affinity_category = category
            requester_previous, previous_at = guessed_previous or (None, None)
    flags = frozenset(row.flag_kind for row in rows if row.flag_kind)
    previous = as_uuid(ticket.own_previous_team) or as_uuid(requester_previous)
    requester = ticket.requester
    metadata = ticket.external_metadata if isinstance(ticket.external_metadata, dict) else {}
    snapshot = TicketSnapshot(
        ticket_id=str(ticket.pk),
        title=ticket.title,
        description=ticket.description,
        category=category,
        priority=ticket.priority,
        type=ticket.type,
        source=ticket.source,
        status=ticket.status,
        urgency=ticket.urgency,
        impact=ticket.impact,
        tier=requester.effective_tier,
        flags=flags,
        team_slug=ticket.team_slug or "",
        created_at=ticket.created_at,
        requester_email=requester.email,
        latitude=requester.latitude,
        longitude=requester.longitude,
        timezone=requester.timezone or "UTC",
        language=str(metadata.get("language") or metadata.get("locale") or ""),
        previous_team_id=previous,
    )
    return TicketRead(ticket, snapshot, triaged, affinity_category, previous_at)


def _as_datetime(value) -> datetime | None:
    """A timestamp from plain SQL: PostgreSQL gives a datetime, SQLite its text (in UTC)."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def requester_facts(*, email: str, category: str, window_hours: int, now: datetime):
    """For a dry run: the known contact with that e-mail (tier, location, previous team of
    the same category), or None. One query."""
    if not email:
        return None
    contacts = Contact.objects.select_related("company").filter(email__iexact=email.strip())
    if window_hours and category:
        since = now - timedelta(hours=window_hours)
        contacts = contacts.annotate(previous_team=_previous_team(category, since, "pk"))
    return contacts.first()


# --- teams and agents ----------------------------------------------------------------------


def team_snapshots(*, category: str, config: RoutingConfig) -> list[TeamSnapshot]:
    """Every active team with its live load, available agents and measured metrics for the
    category: one query whose cost follows the number of teams (routing.team_reads)."""
    return team_reads.team_snapshots(
        category=category,
        load_per_priority=config.load_per_priority,
        running_statuses=RUNNING_STATUSES,
    )


def agent_snapshots(team_id) -> list[AgentSnapshot]:
    """Available, active agents of a team with the running tickets they own: one query."""
    return team_reads.agent_snapshots(team_id, running_statuses=RUNNING_STATUSES)


def groups() -> QuerySet[Team]:
    """Teams with ``current_load``: the live count of their open tickets, from the counts the
    database keeps (tickets.TeamLoad), not a count over the backlog."""
    open_counts = (
        TeamLoad.objects.filter(team=OuterRef("pk"), status__in=OPEN)
        .order_by()
        .values("team")
        .annotate(n=Sum("tickets"))
        .values("n")
    )
    return Team.objects.annotate(
        current_load=Coalesce(Subquery(open_counts, output_field=IntegerField()), Value(0))
    ).order_by("name", "id")


# --- decisions -----------------------------------------------------------------------------


def decisions() -> QuerySet[AllocationDecision]:
    return AllocationDecision.objects.select_related("ticket").order_by("-decided_at", "id")


def latest_decisions(ticket_ids: Iterable) -> dict:
    """The latest AllocationDecision of each ticket, keyed by ticket id: one query for any
    number of tickets (for the ticket API's ``allocation`` field)."""
    ids = list(ticket_ids)
    if not ids:
        return {}
    latest = (
        AllocationDecision.objects.filter(ticket=OuterRef("ticket"))
        .order_by("-decided_at", "-id")
        .values("id")[:1]
    )
    rows = AllocationDecision.objects.filter(ticket_id__in=ids, id=Subquery(latest))
    return {row.ticket_id: row for row in rows}


def unrouted_count() -> int:
    """Open tickets without a team right now, however recently created (a queue depth)."""
    return Ticket.objects.filter(team__isnull=True, status__in=OPEN).count()


def unrouted_tickets(*, older_than: datetime, retry_after: datetime) -> QuerySet[Ticket]:
    """Open tickets with no team, created before ``older_than``, with no decision since
    ``retry_after`` (so a ticket no team can take is retried now and then, not each time)."""
    recent = AllocationDecision.objects.filter(ticket=OuterRef("pk"), decided_at__gte=retry_after)
    return (
        Ticket.objects.filter(team__isnull=True, status__in=OPEN, created_at__lt=older_than)
        .filter(~Exists(recent))
        .order_by("created_at")
    )


def latest_decision_prefetch(to_attr: str = "latest_allocation_decisions") -> Prefetch:
    """For a ticket list: ``prefetch_related(latest_decision_prefetch())`` puts a list holding
    the latest decision (or nothing) on each ticket, in one query for the page."""
    latest = (
        AllocationDecision.objects.filter(ticket=OuterRef("ticket"))
        .order_by("-decided_at", "-id")
        .values("id")[:1]
    )
    return Prefetch(
        "allocation_decisions",
        queryset=AllocationDecision.objects.filter(id=Subquery(latest)),
        to_attr=to_attr,
    )


def recent_decisions_for_weights(
    *, category: str, overridden: Iterable[str], limit: int
) -> list[dict]:
    """The last ``limit`` decisions whose ticket a set of weights governs: its category's, or
    for the default weights every ticket whose category has no weights of its own. One query."""
    rows = AllocationDecision.objects.order_by("-decided_at")
    if category:
        rows = rows.filter(ticket__category=category)
    else:
        rows = rows.exclude(ticket__category__in=[c for c in overridden if c])
    return list(
        rows.values(
            "team_id",
            "team_name",
            "method",
            "candidates",
            "scores",
            reference=F("ticket__reference"),
        )[:limit]
    )
