"""Reads: policies with their calendars, clocks as pure facts, the API's ``sla`` shape, the
``sla_state`` filter, and what the scans pick up."""

from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core.memo import VersionedMemo
from sla.clocks import (
    FIRST_RESPONSE,
    RESOLUTION,
    TARGETS,
    ClockFacts,
    Milestones,
    State,
    evaluate,
    target_state,
)
from sla.models import BusinessCalendar, Reminder, SLAClock, SLAPause, SLAPolicy


def calendars_with_hours() -> QuerySet[BusinessCalendar]:
    return BusinessCalendar.objects.prefetch_related("hours", "closed_dates")


def policies_with_calendars() -> QuerySet[SLAPolicy]:
    return SLAPolicy.objects.select_related("calendar").prefetch_related(
        "calendar__hours", "calendar__closed_dates"
    )


# Every new ticket's clock needs the policies and their calendars (three queries): memoised
# per process until a policy or calendar changes (core.memo). Read-only: never save these.
policy_memo = VersionedMemo("sla-policies", lambda: tuple(policies_with_calendars()))
POLICY_MODELS = ("sla.SLAPolicy", "sla.BusinessCalendar", "sla.WorkingHours", "sla.CalendarDate")


def memoised_policies() -> list[SLAPolicy]:
    return list(policy_memo.get())


def facts_of(clock: SLAClock) -> ClockFacts:
    return ClockFacts(
        first_response=Milestones(
            half_at=clock.first_response_half_at,
            warn_at=clock.first_response_warn_at,
            due_at=clock.first_response_due,
        ),
        resolution=Milestones(
            half_at=clock.resolution_half_at,
            warn_at=clock.resolution_warn_at,
            due_at=clock.resolution_due,
        ),
        first_response_met_at=clock.first_response_met_at,
        resolution_met_at=clock.resolution_met_at,
        paused=clock.is_paused,
        breached_at=clock.breached_at,
        crossed=frozenset(clock.crossed or ()),
        last_activity_at=clock.last_activity_at,
    )


# The clock's columns ``sla_payload_of_row`` reads (with the policy's name), for lists read as
# plain rows (desk.api.list_rows).
ROW_COLUMNS = (
    "id",
    "first_response_half_at",
    "first_response_warn_at",
    "first_response_due",
    "first_response_met_at",
    "resolution_half_at",
    "resolution_warn_at",
    "resolution_due",
    "resolution_met_at",
    "paused_since",
    "breached_at",
    "crossed",
    "last_activity_at",
)


def facts_of_row(clock: dict) -> ClockFacts:
    """``facts_of`` for a clock read as a dict of ``ROW_COLUMNS``."""
    return ClockFacts(
        first_response=Milestones(
            half_at=clock["first_response_half_at"],
            warn_at=clock["first_response_warn_at"],
            due_at=clock["first_response_due"],
        ),
        resolution=Milestones(
            half_at=clock["resolution_half_at"],
            warn_at=clock["resolution_warn_at"],
            due_at=clock["resolution_due"],
        ),
        first_response_met_at=clock["first_response_met_at"],
        resolution_met_at=clock["resolution_met_at"],
        paused=clock["paused_since"] is not None and clock["resolution_met_at"] is None,
        breached_at=clock["breached_at"],
        crossed=frozenset(clock["crossed"] or ()),
        last_activity_at=clock["last_activity_at"],
    )


def sla_payload_of_row(clock: dict, policy_name: str, now: datetime) -> dict | None:
    """``sla_payload`` from a clock read as a dict of ``ROW_COLUMNS`` (None: no clock): the
    same facts (``facts_of``) and the same shape, without a model instance."""
    if clock["id"] is None:
        return None
    facts = facts_of_row(clock)
    return {
        "policy": policy_name,
        "first_response_due": clock["first_response_due"],
        "resolution_due": clock["resolution_due"],
        "state": evaluate(facts, now).state,
        "paused": facts.paused,
    }


def sla_payload(ticket, *, now: datetime | None = None) -> dict | None:
    """API.md's ``sla`` field: ``{policy, first_response_due, resolution_due, state, paused}``.
    The state is worked out for this instant from the stored due times, so it is right
    between two scans too. None for a ticket without a clock. Needs no query when the
    ticket was fetched with ``select_related("sla_clock__policy")``."""
    clock = _clock_of(ticket)
    if clock is None:
        return None
    return {
        "policy": clock.policy.name,
        "first_response_due": clock.first_response_due,
        "resolution_due": clock.resolution_due,
        "state": evaluate(facts_of(clock), now or timezone.now()).state,
        "paused": clock.is_paused,
    }


STATE_LABELS = {
    State.OK: "On track",
    State.WARNING: "At risk",
    State.BREACHED: "Breached",
    State.PAUSED: "Paused",
    State.MET: "Met",
}
TARGET_LABELS = {FIRST_RESPONSE: "Response", RESOLUTION: "Resolution"}


def _clock_of(ticket) -> SLAClock | None:
    try:
        return ticket.sla_clock
    except SLAClock.DoesNotExist:
        return None


def sla_view(ticket, *, now: datetime | None = None) -> dict | None:
    """What a page shows of a ticket's clock: its state (sla.clocks.evaluate) and each target's
    own (sla.clocks.target_state) with its due, warning and met instants. ``counting`` is true
    only for a target still running (not met, clock not paused, even when already breached):
    the one that gets a countdown. None
    without a clock; no query when the clock and its policy were joined."""
    clock = _clock_of(ticket)
    if clock is None:
        return None
    paused_since = clock.paused_since if clock.is_paused else None
    return _view(facts_of(clock), clock.policy.name, paused_since, now or timezone.now())


def sla_view_of_row(clock: dict, policy_name: str, now: datetime) -> dict | None:
    """``sla_view`` from a clock read as a dict of ``ROW_COLUMNS`` (None: no clock), for list
    pages read as plain rows (desk.pages.list_rows)."""
    if clock["id"] is None:
        return None
    facts = facts_of_row(clock)
    return _view(facts, policy_name, clock["paused_since"] if facts.paused else None, now)


def _view(facts: ClockFacts, policy_name: str, paused_since, now: datetime) -> dict:
    evaluation = evaluate(facts, now)
    targets = []
    for name in TARGETS:
        stones, met_at = evaluation.facts.target(name)
        state = target_state(evaluation.facts, name, now)
        running = met_at is None and not evaluation.facts.paused and stones.due_at is not None
        targets.append(
            {
                "name": name,
                "label": TARGET_LABELS[name],
                "state": state,
                "due": stones.due_at,
                "warn_at": stones.warn_at,
                "met_at": met_at,
                "counting": running,
            }
        )
    return {
        "policy": policy_name,
        "state": evaluation.state,
        "state_label": STATE_LABELS[evaluation.state],
        "paused_since": paused_since,
        "targets": targets,
    }


def _breached_q(now: datetime) -> Q:
    return (
        Q(breached_at__isnull=False)
        | Q(first_response_met_at__isnull=True, first_response_due__lte=now)
        | Q(resolution_met_at__isnull=True, resolution_due__lte=now)
        | Q(first_response_met_at__gt=F("first_response_due"))
        | Q(resolution_met_at__gt=F("resolution_due"))
    )


def state_q(state: str, now: datetime) -> Q:
    """The clocks in ``state`` at ``now``: the same rules as sla.clocks.state_of, in SQL."""
    breached = _breached_q(now)
    running = Q(resolution_met_at__isnull=True)
    if state == State.BREACHED:
        return breached
    if state == State.MET:
        return Q(resolution_met_at__isnull=False) & ~breached
    if state == State.PAUSED:
        return running & Q(paused_since__isnull=False) & ~breached
    warning = running & (
        Q(first_response_met_at__isnull=True, first_response_warn_at__lte=now)
        | Q(resolution_warn_at__lte=now)
    )
    not_paused = Q(paused_since__isnull=True)
    if state == State.WARNING:
        return warning & not_paused & ~breached
    if state == State.OK:
        return running & not_paused & ~breached & ~warning
    raise ValueError(f"Unknown SLA state {state!r}.")


def clocks_in_state(state: str, *, now: datetime | None = None) -> QuerySet[SLAClock]:
    return SLAClock.objects.filter(state_q(state, now or timezone.now()))


def clocks_to_check(now: datetime) -> QuerySet[SLAClock]:
    """Clocks with a threshold, state or score change due, oldest first, locked with their
    tickets for this scan; rows someone else holds are skipped, not waited for. The ticket
    comes with what its score (requester, company) and its events (team, owner) need."""
    return (
        SLAClock.objects.select_for_update(skip_locked=True, of=("self", "ticket"))
        .select_related("ticket__requester__company", "ticket__team", "ticket__owner")
        .defer("ticket__description", "ticket__external_metadata", "ticket__resolution")
        .filter(next_check_at__lte=now)
        .order_by("next_check_at")
    )


def _locked_clocks() -> QuerySet[SLAClock]:
    return SLAClock.objects.select_for_update(of=("self",)).select_related("policy")


def lock_clock(ticket_id) -> SLAClock | None:
    return _locked_clocks().filter(ticket_id=ticket_id).first()


def lock_clocks(ticket_ids) -> dict:
    """``lock_clock`` for many tickets in one query (in ticket order, as their tickets were
    locked): their clocks by ticket id; tickets without a clock are left out."""
    clocks = _locked_clocks().filter(ticket_id__in=ticket_ids).order_by("ticket_id")
    return {clock.ticket_id: clock for clock in clocks}


def pause_intervals(clock_ids) -> dict:
    """The pause intervals of these clocks, in one query: lists by clock id, oldest first."""
    intervals: dict = {}
    for pause in SLAPause.objects.filter(clock_id__in=clock_ids).order_by("started_at", "pk"):
        intervals.setdefault(pause.clock_id, []).append(pause.interval)
    return intervals


def reminders_of(user) -> QuerySet[Reminder]:
    return Reminder.objects.filter(user=user).select_related("ticket")


def due_reminders(now: datetime) -> QuerySet[Reminder]:
    return (
        Reminder.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("ticket", "user")
        .filter(status=Reminder.Status.SCHEDULED, trigger_at__lte=now)
        .order_by("trigger_at")
    )
