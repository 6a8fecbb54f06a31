"""The periodic scan, and the recompute after a policy or calendar change.

The per-minute ``scan`` picks only the clocks whose next check is due (an indexed column), in
batches, with a constant number of statements per batch; it locks each clock with its ticket
and skips rows someone else holds (never waits), so it cannot deadlock with the actions that
lock a ticket and then its clock."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.bulk import bulk_set
from sla import selectors
from sla.actions.clocks import CLOCK_STATE_FIELDS, retarget, store
from sla.actions.crossings import record_crossings
from sla.models import SLAClock
from sla.policies import PolicyBook
from sla.timing import running_due, settle
from tickets.actions.scores import set_sla_standing
from tickets.models import Ticket


@dataclass
class ScanReport:
    checked: int = 0
    crossings: int = 0
    scores_changed: int = 0
    batches: int = 0


def scan(*, now: datetime | None = None, batch_size: int = 500, max_batches: int = 400):
    """Check every clock whose next check is due: record crossings, refresh the stored
    state and the ticket's SLA pressure. Safe to run concurrently and twice."""
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
    pending, standings = [], []
    for clock in batch:
        crossings, pressure = settle(clock, now=now)
        pending += crossings
        standings.append((clock.ticket, pressure, running_due(clock)))
    bulk_set(SLAClock, batch, CLOCK_STATE_FIELDS)
    rescored = set_sla_standing(standings=standings)
    tickets = {clock.ticket_id: clock.ticket for clock in batch}
    recorded = record_crossings(pending, tickets=tickets, now=now)
    report.batches += 1
    report.checked += len(batch)
    report.crossings += len(recorded)
    report.scores_changed += rescored


def recompute_open_clocks(*, batch_size: int = 500) -> int:
    """Re-match and replay every running clock (a policy or calendar changed)."""
    book = PolicyBook(list(selectors.policies_with_calendars()))
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
                .select_related("requester__company", "team", "owner")
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
                pauses = [pause.interval for pause in clock.pauses.all()]
                # No audit row per clock: the configuration change that moved them is audited.
                retarget(clock, ticket=ticket, book=book, pauses=pauses)
                store(clock, ticket=ticket, now=now)
                done += 1
