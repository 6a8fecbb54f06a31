"""Every write to SLA clocks, crossings and policies.

The ticket services call the ``on_*`` hooks inside their own transaction, after locking the
ticket: a clock is always locked after its ticket, never before, so hooks, the scan and the
recompute never wait on each other in a circle (the scan skips rows that are locked).

The per-minute ``scan`` picks only the clocks whose next check is due (an indexed column),
in batches, with a constant number of queries per batch; each crossing is recorded once
(unique per ticket and kind). Announcing it goes through ``_crossings_recorded``.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import AuditRow, record_audit, record_audit_rows
from core.exceptions import DomainValidationError
from core.roles import is_staff_role
from sla import scoring, selectors
from sla.bulk import bulk_set
from sla.calendar import Calendar
from sla.clocks import (
    FIRST_RESPONSE,
    RESOLUTION,
    TARGETS,
    Crossing,
    Interval,
    evaluate,
    milestones,
    warning_minutes,
)
from sla.matching import PolicyCriteria, TicketFacts, best_policy
from sla.models import (
    BusinessCalendar,
    PauseReason,
    Reminder,
    SLAClock,
    SLACrossing,
    SLAPause,
    SLAPolicy,
    WorkingHours,
)
from tickets.lifecycle import TicketStatus
from tickets.models import Ticket, TimelineEntry

RETARGET_FIELDS = frozenset({"priority", "type", "category", "tier"})
CLOCK_STATE_FIELDS = ["state", "breached_at", "crossed", "next_check_at", "checked_at"]
MILESTONE_FIELDS = [f"{t}_{m}" for t in TARGETS for m in ("half_at", "warn_at", "due")]

# Inside a ticket service: no savepoint of our own. Called alone: our own transaction.
_atomic = transaction.atomic(savepoint=False)


# --- policies --------------------------------------------------------------------------------


def _criteria(policy: SLAPolicy) -> PolicyCriteria:
    return PolicyCriteria(
        policy_id=policy.pk,
        priority=policy.priority,
        type=policy.type,
        tier=policy.tier,
        category=policy.category,
        is_active=policy.is_active,
        is_default=policy.is_default,
    )


def _facts(ticket: Ticket, tier: str) -> TicketFacts:
    return TicketFacts(
        priority=ticket.priority, type=ticket.type, tier=tier, category=ticket.category
    )


def default_policy() -> SLAPolicy:
    """The default policy; recreated with the default calendars if it has gone missing."""
    from sla.defaults import ensure_default_policy

    return ensure_default_policy(SLAPolicy, BusinessCalendar, WorkingHours)


def match_policy(*, ticket: Ticket, tier: str, policies: list[SLAPolicy] | None = None):
    if policies is None:
        policies = selectors.memoised_policies()
    chosen = best_policy([_criteria(p) for p in policies], _facts(ticket, tier))
    if chosen is None:
        return selectors.policies_with_calendars().get(pk=default_policy().pk)
    return next(p for p in policies if p.pk == chosen)


def _tier_of(ticket: Ticket) -> str:
    return ticket.requester.effective_tier


@transaction.atomic
def save_policy(*, actor, policy: SLAPolicy) -> SLAPolicy:
    """Create or change a policy (admin and API); open clocks are recomputed after commit."""
    try:
        # The one-default constraint is kept below by demoting the previous default.
        policy.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise DomainValidationError(error.message_dict) from error
    was_default = policy.pk is not None and (
        SLAPolicy.objects.filter(pk=policy.pk, is_default=True).exists()
    )
    if was_default and not policy.is_default:
        raise DomainValidationError({"is_default": ["Make another policy the default instead."]})
    if policy.is_default:
        SLAPolicy.objects.filter(is_default=True).exclude(pk=policy.pk).update(is_default=False)
    created = policy.pk is None
    policy.save()
    record_audit(
        actor=actor,
        action="sla.policy_created" if created else "sla.policy_changed",
        data={"policy": policy.pk, "name": policy.name},
    )
    _recompute_after_commit()
    return policy


@transaction.atomic
def calendar_changed(*, actor, calendar: BusinessCalendar) -> None:
    """Hours, holidays or zone of a calendar changed: touch it, audit, recompute."""
    BusinessCalendar.objects.filter(pk=calendar.pk).update(updated_at=timezone.now())
    record_audit(actor=actor, action="sla.calendar_changed", data={"calendar": calendar.slug})
    _recompute_after_commit()


def _recompute_after_commit() -> None:
    from sla import tasks

    transaction.on_commit(tasks.recompute_open_clocks.delay)


# --- the clock of one ticket -----------------------------------------------------------------


def _apply_policy(clock: SLAClock, policy: SLAPolicy) -> None:
    clock.policy = policy
    clock.first_response_minutes = policy.first_response_minutes
    clock.resolution_minutes = policy.resolution_minutes


def _until(pauses: list[Interval], met_at: datetime) -> list[Interval]:
    """The pauses that matter to a target met at ``met_at``: those begun before it, cut
    there."""
    return [Interval(p.start, min(p.end or met_at, met_at)) for p in pauses if p.start < met_at]


def _retime(clock: SLAClock, *, calendar: Calendar, pauses: list[Interval]) -> None:
    """Replay start and pauses through the calendar to place every milestone."""
    policy = clock.policy
    for name, target in (
        (FIRST_RESPONSE, clock.first_response_minutes),
        (RESOLUTION, clock.resolution_minutes),
    ):
        met_at = getattr(clock, f"{name}_met_at")
        stones = milestones(
            calendar,
            clock.started_at,
            _until(pauses, met_at) if met_at else pauses,
            target=target,
            warn_after=warning_minutes(
                target, percent=policy.warning_percent, lead=policy.warning_lead_minutes
            ),
        )
        setattr(clock, f"{name}_half_at", stones.half_at)
        setattr(clock, f"{name}_warn_at", stones.warn_at)
        setattr(clock, f"{name}_due", stones.due_at)


def _calendar_of(policy: SLAPolicy) -> Calendar:
    return selectors.calendars_with_hours().get(pk=policy.calendar_id).as_calendar()


def _settle(clock: SLAClock, *, ticket: Ticket, now: datetime) -> tuple[list, float]:
    """Evaluate the clock at ``now``, store the outcome on it (not saved) and return the
    crossings to record and the ticket's priority score."""
    outcome = evaluate(selectors.facts_of(clock), now)
    clock.state = outcome.state
    clock.breached_at = outcome.breached_at
    clock.crossed = sorted(outcome.facts.crossed)
    clock.next_check_at = outcome.next_check_at
    clock.checked_at = now
    score = scoring.priority_score(
        priority=ticket.priority,
        tier=clock.tier,
        status=ticket.status,
        sla_factor=outcome.sla_factor,
        staleness_factor=outcome.staleness_factor,
    )
    return [(clock, crossing) for crossing in outcome.crossings], score


def _store(clock: SLAClock, *, ticket: Ticket, now: datetime) -> SLAClock:
    pending, score = _settle(clock, ticket=ticket, now=now)
    clock.save()
    _record_crossings(pending, owners={ticket.pk: ticket.owner_id}, now=now)
    if ticket.priority_score != score:
        Ticket.objects.filter(pk=ticket.pk).update(priority_score=score)
        ticket.priority_score = score
    return clock


def _clock_for(ticket: Ticket, now: datetime) -> tuple[SLAClock, bool]:
    """The ticket's clock, locked; started now (from the ticket's creation) when missing."""
    clock = selectors.lock_clock(ticket.pk)
    if clock is not None:
        return clock, False
    return _new_clock(ticket, now), True


def _new_clock(ticket: Ticket, now: datetime) -> SLAClock:
    tier = _tier_of(ticket)
    policy = match_policy(ticket=ticket, tier=tier)
    clock = SLAClock(
        ticket=ticket,
        tier=tier,
        started_at=ticket.created_at or now,
        last_activity_at=ticket.created_at or now,
    )
    _apply_policy(clock, policy)
    _retime(clock, calendar=policy.calendar.as_calendar(), pauses=[])
    return clock


@_atomic
def on_ticket_created(*, ticket: Ticket) -> SLAClock:
    """Start the clock of a ticket just created (in the creating transaction: it has none
    yet, so there is nothing to look up or lock; the one-clock-per-ticket constraint holds)."""
    now = timezone.now()
    return _store(_new_clock(ticket, now), ticket=ticket, now=now)


def _pause_reason(status: str, policy: SLAPolicy) -> str | None:
    if status == TicketStatus.WAITING:
        return PauseReason.WAITING
    if status == TicketStatus.ESCALATED and policy.pause_on_escalation:
        return PauseReason.ESCALATION
    if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        return PauseReason.RESOLVED
    return None


@_atomic
def on_status_changed(*, ticket: Ticket, previous: str, at: datetime | None = None) -> SLAClock:
    """Pause while waiting (and escalated, if the policy says so), stop on resolve (which
    also answers a first response still owed), run again on resume and reopen."""
    now = at or timezone.now()
    clock, _ = _clock_for(ticket, now)
    pauses = list(clock.pauses.all()) if clock.pk else []
    wanted = _pause_reason(ticket.status, clock.policy)
    current = next((p for p in pauses if p.ended_at is None), None)
    if current is not None and current.reason != wanted:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
        current = None
    if clock.pk is None:
        clock.save()
    if wanted is not None and current is None:
        pauses.append(SLAPause.objects.create(clock=clock, reason=wanted, started_at=now))
    clock.paused_since = next((p.started_at for p in pauses if p.ended_at is None), None)
    if ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        clock.first_response_met_at = clock.first_response_met_at or now
        clock.resolution_met_at = clock.resolution_met_at or now
    else:
        clock.resolution_met_at = None
    clock.last_activity_at = now
    _retime(clock, calendar=_calendar_of(clock.policy), pauses=[p.interval for p in pauses])
    return _store(clock, ticket=ticket, now=now)


def is_first_response(ticket: Ticket, entry: TimelineEntry) -> bool:
    """A public reply or e-mail written by staff (not the requester, not the system)."""
    return (
        entry.visibility == TimelineEntry.Visibility.PUBLIC
        and entry.type in (TimelineEntry.Type.NOTE, TimelineEntry.Type.EMAIL)
        and entry.author_id is not None
        and entry.author_id != ticket.requester.user_id
        and is_staff_role(entry.author)
    )


@_atomic
def on_entry_added(*, ticket: Ticket, entry: TimelineEntry) -> SLAClock:
    """Any entry is activity; the first public staff reply meets the first response."""
    now = entry.created_at or timezone.now()
    clock, _ = _clock_for(ticket, now)
    clock.last_activity_at = now
    if clock.first_response_met_at is None and is_first_response(ticket, entry):
        clock.first_response_met_at = now
        pauses = [p.interval for p in clock.pauses.all()] if clock.pk else []
        _retime(clock, calendar=_calendar_of(clock.policy), pauses=pauses)
    return _store(clock, ticket=ticket, now=now)


@_atomic
def on_ticket_changed(*, ticket: Ticket, fields) -> SLAClock:
    """Descriptive fields changed: a new priority, type, category or tier re-targets the
    clock (the most specific policy again, due times replayed); any change is activity."""
    now = timezone.now()
    clock, created = _clock_for(ticket, now)
    clock.last_activity_at = now
    if not created and RETARGET_FIELDS & set(fields):
        _retarget(clock, ticket=ticket, policies=None, now=now)
    return _store(clock, ticket=ticket, now=now)


def _retarget(clock: SLAClock, *, ticket: Ticket, policies, now: datetime) -> bool:
    tier = _tier_of(ticket)
    policy = match_policy(ticket=ticket, tier=tier, policies=policies)
    before = (clock.policy_id, clock.first_response_due, clock.resolution_due)
    clock.tier = tier
    _apply_policy(clock, policy)
    pauses = [p.interval for p in clock.pauses.all()]
    _retime(clock, calendar=policy.calendar.as_calendar(), pauses=pauses)
    after = (clock.policy_id, clock.first_response_due, clock.resolution_due)
    if before == after:
        return False
    record_audit(
        actor=None,
        action="sla.retargeted",
        ticket=ticket,
        data={
            "policy": [before[0], after[0]],
            "first_response_due": [_iso(before[1]), _iso(after[1])],
            "resolution_due": [_iso(before[2]), _iso(after[2])],
        },
    )
    return True


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def retarget_ticket(*, ticket_id) -> SLAClock:
    """Re-target one ticket (e.g. after its requester's tier changed)."""
    from tickets.selectors import lock_ticket

    ticket = lock_ticket(ticket_id)
    return on_ticket_changed(ticket=ticket, fields=["tier"])


# --- recording crossings ---------------------------------------------------------------------


def _describe(crossing: SLACrossing) -> str:
    target = crossing.kind.rsplit("_", 1)[0].replace("_", " ")
    due = f"{crossing.threshold_at:%Y-%m-%d %H:%M} UTC"
    if crossing.is_breach:
        return f"SLA breached: {target} was due {due}."
    return f"SLA warning: {target} due soon (warning threshold {due})."


def _record_crossings(
    pending: list[tuple[SLAClock, Crossing]], *, owners: dict, now: datetime
) -> list[SLACrossing]:
    """Insert the crossings (a row that exists already is skipped), then write timeline,
    audit and SLA-warning reminders for the ones this call inserted. Constant queries."""
    if not pending:
        return []
    token = uuid.uuid4()
    SLACrossing.objects.bulk_create(
        [
            SLACrossing(
                ticket_id=clock.ticket_id,
                clock=clock,
                policy_id=clock.policy_id,
                kind=crossing.kind,
                threshold_at=crossing.at,
                recorded_at=now,
                token=token,
            )
            for clock, crossing in pending
        ],
        ignore_conflicts=True,
    )
    recorded = list(SLACrossing.objects.filter(token=token))
    if not recorded:
        return []
    TimelineEntry.objects.bulk_create(
        TimelineEntry(
            ticket_id=c.ticket_id,
            type=TimelineEntry.Type.SYSTEM,
            visibility=TimelineEntry.Visibility.INTERNAL,
            content=_describe(c),
        )
        for c in recorded
    )
    record_audit_rows(
        AuditRow(
            action=f"sla.{c.kind}",
            ticket_id=c.ticket_id,
            data={"threshold_at": c.threshold_at.isoformat(), "policy": c.policy_id},
        )
        for c in recorded
    )
    dues = {(clock.ticket_id, crossing.kind): clock for clock, crossing in pending}
    reminders = [
        _warning_reminder(c, dues[(c.ticket_id, c.kind)], owners.get(c.ticket_id), now)
        for c in recorded
        if not c.is_breach
    ]
    Reminder.objects.bulk_create([r for r in reminders if r is not None])
    _crossings_recorded(crossings=recorded)
    return recorded


def _warning_reminder(crossing, clock, owner_id, now) -> Reminder | None:
    """A follow-up for the owner half-way between the warning and the breach."""
    target = crossing.kind.rsplit("_", 1)[0]
    due = getattr(clock, f"{target}_due")
    if owner_id is None or due is None or due <= now:
        return None
    trigger = now + (due - now) / 2
    return Reminder(
        user_id=owner_id,
        ticket_id=crossing.ticket_id,
        kind=Reminder.Kind.SLA_WARNING,
        message=f"SLA {target.replace('_', ' ')} due {due:%Y-%m-%d %H:%M} UTC.",
        trigger_at=trigger,
        first_trigger_at=trigger,
    )


def _crossings_recorded(*, crossings: list[SLACrossing]) -> None:
    """The one place that announces newly recorded crossings; runs inside the recording
    transaction. Notifications go out after commit (sla.tasks.announce_crossings). Dashboard
    events (``sla.warning`` / ``sla.breached``) and routing rule events join here."""
    from dashboard import realtime
    from sla import tasks

    ids = [c.pk for c in crossings]
    transaction.on_commit(partial(tasks.announce_crossings.delay, ids))
    for event_type, breach in ((realtime.SLA_WARNING, False), (realtime.SLA_BREACHED, True)):
        tickets = {c.ticket_id for c in crossings if c.is_breach == breach}
        realtime.publish(event_type=event_type, ticket_ids=sorted(tickets, key=str))


@transaction.atomic
def announce_crossings(*, crossing_ids: list[int]) -> int:
    """Notify per the policy's escalation actions; each crossing is announced once."""
    from notifications.services import notify

    rows = list(
        SLACrossing.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("ticket__owner", "ticket__team", "policy")
        .filter(pk__in=crossing_ids, announced_at__isnull=True)
    )
    audience = _Audience()
    for crossing in rows:
        threshold = "breach" if crossing.is_breach else "warning"
        who = {
            name
            for action in crossing.policy.escalation_actions
            if action["at"] == threshold
            for name in action["notify"]
        }
        recipients = audience.of(crossing.ticket, who)
        if recipients:
            notify(
                recipients=recipients,
                event_type="sla_breach" if crossing.is_breach else "sla_warning",
                ticket=crossing.ticket,
                payload={
                    "kind": crossing.kind,
                    "threshold_at": crossing.threshold_at.isoformat(),
                    "policy": crossing.policy.name,
                    "message": _describe(crossing),
                },
            )
    SLACrossing.objects.filter(pk__in=[c.pk for c in rows]).update(announced_at=timezone.now())
    return len(rows)


@dataclass
class _Audience:
    """Who a crossing notifies: the owner (or, unowned, the ticket's team), the team, the
    managers. The notifications service expands a team into its agents."""

    managers: list | None = None

    def of(self, ticket: Ticket, who: set[str]) -> list:
        recipients = []
        if "owner" in who and ticket.owner_id is not None:
            recipients.append(ticket.owner)
        elif ("team" in who or "owner" in who) and ticket.team_id is not None:
            recipients.append(ticket.team)
        if "team" in who and ticket.owner_id is not None and ticket.team_id is not None:
            recipients.append(ticket.team)
        if "managers" in who:
            if self.managers is None:
                from django.contrib.auth import get_user_model

                self.managers = list(
                    get_user_model().objects.filter(is_active=True, groups__name="manager")
                )
            recipients += self.managers
        return recipients


# --- the scan --------------------------------------------------------------------------------


@dataclass
class ScanReport:
    checked: int = 0
    crossings: int = 0
    scores_changed: int = 0
    batches: int = 0


def scan(*, now: datetime | None = None, batch_size: int = 500, max_batches: int = 400):
    """Check every clock whose next check is due: record crossings, refresh the stored
    state and the ticket's priority score. Safe to run concurrently and twice."""
    now = now or timezone.now()
    report = ScanReport()
    for _ in range(max_batches):
        with transaction.atomic():
            batch = list(selectors.clocks_to_check(now)[:batch_size])
            if batch:
                _check_batch(batch, now=now, report=report)
        if len(batch) < batch_size:
            break
    return report


def _check_batch(batch: list[SLAClock], *, now: datetime, report: ScanReport) -> None:
    pending, rescored = [], []
    for clock in batch:
        crossings, score = _settle(clock, ticket=clock.ticket, now=now)
        pending += crossings
        if clock.ticket.priority_score != score:
            clock.ticket.priority_score = score
            rescored.append(clock.ticket)
    bulk_set(SLAClock, batch, CLOCK_STATE_FIELDS)
    bulk_set(Ticket, rescored, ["priority_score"])
    owners = {clock.ticket_id: clock.ticket.owner_id for clock in batch}
    recorded = _record_crossings(pending, owners=owners, now=now)
    report.batches += 1
    report.checked += len(batch)
    report.crossings += len(recorded)
    report.scores_changed += len(rescored)


# --- recompute after a policy or calendar change ---------------------------------------------


def recompute_open_clocks(*, batch_size: int = 500) -> int:
    """Re-match and replay every running clock (a policy or calendar changed)."""
    policies = list(selectors.policies_with_calendars())
    calendars = {p.calendar_id: p.calendar.as_calendar() for p in policies}
    last_pk, done = 0, 0
    while True:
        with transaction.atomic():
            ids = list(
                SLAClock.objects.filter(resolution_met_at__isnull=True, pk__gt=last_pk)
                .order_by("pk")
                .values_list("pk", "ticket_id")[:batch_size]
            )
            if not ids:
                return done
            last_pk = ids[-1][0]
            tickets = {
                t.pk: t
                for t in Ticket.objects.select_for_update(of=("self",))
                .select_related("requester__company")
                .filter(pk__in=[ticket_id for _, ticket_id in ids])
            }
            now = timezone.now()
            for clock in (
                SLAClock.objects.select_for_update(of=("self",))
                .select_related("policy")
                .prefetch_related("pauses")
                .filter(pk__in=[pk for pk, _ in ids])
            ):
                ticket = tickets[clock.ticket_id]
                _retarget_with(clock, ticket=ticket, policies=policies, calendars=calendars)
                _store(clock, ticket=ticket, now=now)
                done += 1


def _retarget_with(clock, *, ticket, policies, calendars) -> None:
    clock.tier = _tier_of(ticket)
    policy = match_policy(ticket=ticket, tier=clock.tier, policies=policies)
    _apply_policy(clock, policy)
    calendar = calendars.get(policy.calendar_id) or policy.calendar.as_calendar()
    _retime(clock, calendar=calendar, pauses=[p.interval for p in clock.pauses.all()])
