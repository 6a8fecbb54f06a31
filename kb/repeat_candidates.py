"""The earlier tickets that may hold a new ticket's issue (kb.repeats scores them): the same
requester's (or, with ITSM_REPEAT_CONTACT_SCOPE "company", anyone's at the same company), in
the same category (case aside), open or resolved within ITSM_REPEAT_CONTACT_WINDOW_DAYS,
created no later than it, the CANDIDATES most recent.

``candidates_of`` finds them for a wave's tickets at once: one query ranks each group's
(category and requester or company) tickets by recency and keeps the first CANDIDATES plus one
per ticket of the wave, which holds every ticket's own list (its newer neighbours are the wave's
other tickets); only a ticket whose list that cut could have shortened is read on its own."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Case, F, Q, When, Window
from django.db.models.functions import RowNumber, Upper

from tickets.lifecycle import OPEN_STATUSES
from tickets.models import Ticket

CANDIDATES = 50
FIELDS = ("id", "title", "description", "created_at", "status", "resolved_at", "requester_id")
RANKED = ("pk", *FIELDS[1:], "company_id", "category_key")


@dataclass(frozen=True)
class Found:
    rows: list  # Tickets, or rows with their RANKED fields; most recent first
    matched_by: str  # "requester" or "company"


def scope() -> str:
    value = getattr(settings, "ITSM_REPEAT_CONTACT_SCOPE", "requester")
    return "company" if value == "company" else "requester"


def window() -> timedelta:
    return timedelta(days=getattr(settings, "ITSM_REPEAT_CONTACT_WINDOW_DAYS", 7))


def candidates(ticket: Ticket) -> Found:
    """One ticket's candidates (one query; ``ticket.requester`` read with it)."""
    since = ticket.created_at - window()
    company_id = ticket.requester.company_id
    if scope() == "company" and company_id is not None:
        whose, matched_by = Q(requester__company_id=company_id), "company"
    else:
        whose, matched_by = Q(requester_id=ticket.requester_id), "requester"
    rows = (
        Ticket.objects.filter(whose, category__iexact=ticket.category)
        .filter(Q(status__in=OPEN_STATUSES) | Q(resolved_at__gte=since))
        .filter(created_at__lte=ticket.created_at)
        .exclude(pk=ticket.pk)
        .only(*FIELDS)
        .order_by("-created_at", "-pk")[:CANDIDATES]
    )
    return Found(list(rows), matched_by)


def batch_tickets(ticket_ids: list) -> dict:
    """The wave's tickets by id, with their requester and category key (one query). A missing
    one fails the batch (the one-by-one drain then retries each)."""
    found = (
        Ticket.objects.select_related("requester")
        .annotate(category_key=Upper("category"), company_id=F("requester__company_id"))
        .in_bulk(set(ticket_ids))
    )
    missing = {Ticket._meta.pk.to_python(pk) for pk in ticket_ids} - set(found)
    if missing:
        raise Ticket.DoesNotExist(f"No ticket {', '.join(sorted(map(str, missing)))}.")
    return found


def candidates_of(tickets: list[Ticket]) -> dict:
    """Ticket id -> its ``Found``, for tickets read by ``batch_tickets`` (one query, and one
    more for each ticket the group's cut may have shortened)."""
    if not tickets:
        return {}
    by_company = scope() == "company"
    keys = {ticket.pk: _group(ticket, by_company) for ticket in tickets}
    limit = CANDIDATES + len(tickets)
    groups: dict[tuple, list[Ticket]] = {}
    for row in _ranked(tickets, keys, by_company, limit):
        groups.setdefault(_group(row, by_company), []).append(row)
    found = {}
    for ticket in tickets:
        key = keys[ticket.pk]
        rows = _own(ticket, groups.get(key, []))
        if len(rows) < CANDIDATES and len(groups.get(key, [])) >= limit:
            found[ticket.pk] = candidates(ticket)  # the cut may hide some: read its own
        else:
            found[ticket.pk] = Found(rows, key[1])
    return found


def _group(ticket: Ticket, by_company: bool) -> tuple:
    """(category key, "company" or "requester", its id), from the rows' annotations."""
    if by_company and ticket.company_id is not None:
        return (ticket.category_key, "company", ticket.company_id)
    return (ticket.category_key, "requester", ticket.requester_id)


def _ranked(tickets: list[Ticket], keys: dict, by_company: bool, limit: int):
    """Every group's tickets that some ticket of the wave may take, ranked newest first within
    the group, the first ``limit`` of each."""
    requesters = {key[2] for key in keys.values() if key[1] == "requester"}
    companies = {key[2] for key in keys.values() if key[1] == "company"}
    if by_company:
        partition = [
            Upper("category"),
            F("requester__company_id"),
            Case(When(requester__company_id__isnull=True, then=F("requester_id"))),
        ]
    else:
        partition = [Upper("category"), F("requester_id")]
    since = min(ticket.created_at for ticket in tickets) - window()
    return (
        Ticket.objects.annotate(
            category_key=Upper("category"), company_id=F("requester__company_id")
        )
        .filter(Q(requester_id__in=requesters) | Q(requester__company_id__in=companies))
        .filter(category_key__in={key[0] for key in keys.values()})
        .filter(Q(status__in=OPEN_STATUSES) | Q(resolved_at__gte=since))
        .filter(created_at__lte=max(ticket.created_at for ticket in tickets))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=partition,
                order_by=[F("created_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=limit)
        .order_by("-created_at", "-pk")
        # Plain rows: a wave at 50,000 open tickets reads some 10,000, and building Ticket
        # instances for them cost more than the scoring (cProfile, 400 tickets).
        .values_list(*RANKED, named=True)
    )


def _own(ticket: Ticket, rows: list) -> list:
    """The ticket's own list from its group's ranked rows (newest first)."""
    since = ticket.created_at - window()
    own = [
        row
        for row in rows
        if row.pk != ticket.pk
        and row.created_at <= ticket.created_at
        and (
            row.status in OPEN_STATUSES
            or (row.resolved_at is not None and row.resolved_at >= since)
        )
    ]
    return own[:CANDIDATES]
