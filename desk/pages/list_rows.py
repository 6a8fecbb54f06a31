"""The rows of the ticket list page and the work queue as plain values, not model instances.

A page of 25 tickets read as instances built ~150 of them (the ticket, its team, owner,
requester, SLA clock and policy) and parsed every date-time of each, for the dozen values a
row shows; that was a fifth of the list page's CPU (docs/benchmarks.md, "The list page's own
CPU"). Here the same one query reads only those columns (``.values()``, the joins as before)
and each row is a ``ListRow``; the SLA chip's facts come from the same columns
(``sla.selectors.sla_view_of_row``). ``{% ticket_rows %}`` writes them;
tests/pages/test_ticket_rows_tag.py holds its HTML to the old templates' over instances.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.encoding import force_str

from sla.selectors import ROW_COLUMNS, sla_view_of_row
from tickets.models import Ticket

OWNER_NAME = f"owner__{get_user_model().USERNAME_FIELD}"  # what ``get_username`` gives
CLOCK = tuple(f"sla_clock__{column}" for column in ROW_COLUMNS)
COLUMNS = (
    "id",
    "reference",
    "status",
    "priority",
    "title",
    "created_at",
    "team__name",
    OWNER_NAME,
    *CLOCK,
    "sla_clock__policy__name",
)
# The routing annotation (routing.triage_reads.with_needs_triage), read when the list has it.
NEEDS_TRIAGE = "needs_triage"
STATUS_LABELS = dict(Ticket._meta.get_field("status").flatchoices)
PRIORITY_LABELS = dict(Ticket._meta.get_field("priority").flatchoices)


@dataclass(slots=True, frozen=True)
class ListRow:
    """What a list row shows of a ticket (None: no team, no owner, no SLA clock)."""

    pk: object
    reference: str
    status: str
    status_label: str
    priority: str
    priority_label: str
    title: str
    team_name: str | None
    owner_name: str | None
    sla: dict | None
    created_at: datetime
    needs_triage: bool = False


def row_reader(queryset: QuerySet[Ticket]) -> Callable[[list], dict]:
    """For ``LongListPaginator(rows=...)``: {id: ListRow} of the ids, in one query over
    ``queryset`` (its filters and annotations; its ordering dropped)."""

    def rows(ids: list) -> dict:
        return {row.pk: row for row in list_rows(queryset.order_by().filter(pk__in=ids))}

    return rows


def list_rows(queryset: QuerySet[Ticket], limit: int | None = None) -> list[ListRow]:
    """The queryset's tickets (the first ``limit``) as ``ListRow``s, in one query, every SLA
    evaluated at the same instant."""
    triage = NEEDS_TRIAGE in queryset.query.annotations
    values = queryset.values(*COLUMNS, *((NEEDS_TRIAGE,) if triage else ()))
    now = timezone.now()
    return [_row(row, now) for row in (values if limit is None else values[:limit])]


def _row(row: dict, now: datetime) -> ListRow:
    clock = {column: row[f"sla_clock__{column}"] for column in ROW_COLUMNS}
    return ListRow(
        pk=row["id"],
        reference=row["reference"],
        status=row["status"],
        status_label=force_str(STATUS_LABELS.get(row["status"], row["status"])),
        priority=row["priority"],
        priority_label=force_str(PRIORITY_LABELS.get(row["priority"], row["priority"])),
        title=row["title"],
        team_name=row["team__name"],
        owner_name=row[OWNER_NAME],
        sla=sla_view_of_row(clock, row["sla_clock__policy__name"], now),
        created_at=row["created_at"],
        needs_triage=bool(row.get(NEEDS_TRIAGE)),
    )
