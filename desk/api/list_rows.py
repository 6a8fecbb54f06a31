"""The ticket list's rows as plain dicts: the JSON of ``TicketSerializer``, field for field
and in its order, built from ``.values()`` rows instead of model instances and DRF's fields.

A list page of 25 tickets built ~175 model instances (the ticket, its requester and company,
team, owner, SLA clock and policy, flags, decisions) and ran DRF's field machinery 25 x 25
times; that was about two thirds of the web process's CPU for the page (docs/benchmarks.md,
"The ticket list's rows without DRF's fields"). Here one query reads the ticket with what
it shows of its joins, one its flags, one its latest decision (the same three queries as
before), and each row is a dict built by plain code. ``TicketSerializer`` stays the shape
of one ticket and of the schema; tests/api/test_ticket_list_rows.py holds the two to the
same bytes.
"""

from datetime import datetime

from django.utils import timezone
from rest_framework.fields import DateTimeField

from routing.serializers_shape import latest_documents
from sla.selectors import ROW_COLUMNS, sla_payload_of_row
from tickets.models import CaseFlag, Ticket
from tickets.requesters import Tier

# The ticket's own columns the JSON shows, each shown as it is (strings, numbers, None).
PLAIN = (
    "reference",
    "type",
    "status",
    "title",
    "description",
    "category",
    "priority",
    "urgency",
    "impact",
    "source",
    "external_id",
)
INSTANTS = ("created_at", "updated_at", "accepted_at", "resolved_at", "closed_at")
CLOCK = tuple(f"sla_clock__{column}" for column in ROW_COLUMNS)
COLUMNS = (
    "id",
    *PLAIN,
    "priority_score",
    "resolution",
    *INSTANTS,
    "requester_id",
    "requester__email",
    "requester__name",
    "requester__tier",
    "requester__company_id",
    "requester__company__tier",
    "team_id",
    "team__name",
    "owner_id",
    "owner__email",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    *CLOCK,
    "sla_clock__policy__name",
)
TIER_ORDER = {Tier.STANDARD: 0, Tier.PREMIUM: 1, Tier.VIP: 2}

_instant = DateTimeField()  # DRF's own formatting of a date-time field: the same text


def ticket_rows(ids: list) -> dict:
    """{ticket id: the ticket's JSON as a dict} for the tickets ``ids`` names, in 3 queries."""
    rows = list(Ticket.objects.filter(pk__in=ids).order_by().values(*COLUMNS))
    found = [row["id"] for row in rows]
    flags: dict = {}
    kinds = CaseFlag.objects.filter(ticket_id__in=found).order_by("kind")
    for ticket_id, kind in kinds.values_list("ticket_id", "kind"):
        flags.setdefault(ticket_id, []).append(kind)
    decisions = latest_documents(found) if found else {}
    now = timezone.now()
    return {
        row["id"]: ticket_json(row, flags.get(row["id"], []), decisions.get(row["id"]), now)
        for row in rows
    }


def ticket_json(row: dict, flags: list[str], allocation: dict | None, now: datetime) -> dict:
    """One ticket in ``TicketSerializer``'s field order."""
    instant = _instant.to_representation
    shown = {"id": str(row["id"])}
    for name in PLAIN:
        value = row[name]
        shown[name] = None if value is None else str(value)
    shown["requester"] = _requester(row)
    shown["team"] = (
        None if row["team_id"] is None else {"id": str(row["team_id"]), "name": row["team__name"]}
    )
    shown["owner"] = _owner(row)
    clock = {column: row[f"sla_clock__{column}"] for column in ROW_COLUMNS}
    shown["sla"] = sla_payload_of_row(clock, row["sla_clock__policy__name"], now)
    shown["priority_score"] = float(row["priority_score"])
    shown["flags"] = flags
    shown["allocation"] = allocation
    shown["resolution"] = row["resolution"]
    for name in INSTANTS:
        value = row[name]
        shown[name] = None if value is None else instant(value)
    return shown


def _requester(row: dict) -> dict | None:
    """RequesterSerializer's shape; the tier is the better of the contact's and its
    company's (``Contact.effective_tier``)."""
    if row["requester_id"] is None:
        return None
    tier = row["requester__tier"]
    if row["requester__company_id"] is not None:
        tier = max(tier, row["requester__company__tier"], key=TIER_ORDER.__getitem__)
    return {"email": row["requester__email"], "name": row["requester__name"], "tier": tier}


def _owner(row: dict) -> dict | None:
    """PersonSerializer's shape; the name as core.display.display_name gives it."""
    if row["owner_id"] is None:
        return None
    full_name = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
    return {
        "id": row["owner_id"],
        "email": row["owner__email"],
        "name": full_name or row["owner__username"],
    }
