"""The priority score's SLA part, and the SLA due time the list orders by. The SLA app
measures how hard each ticket's clock presses (its pressure: 1.0 at rest, up to 3.0 as a
deadline nears or passes, times up to 1.4 for a ticket left without activity) and when the
clock's resolution falls due while it runs; the ticket keeps both and derives its score with
the one formula (tickets.priority), here and in every action that changes priority, status or
tier."""

from collections.abc import Iterable
from datetime import datetime

from core.bulk import bulk_set
from tickets.models import Ticket
from tickets.priority import score_of


def set_sla_standing(*, standings: Iterable[tuple[Ticket, float, datetime | None]]) -> int:
    """Store each ticket's pressure, score and SLA due time (None while its clock is paused or
    stopped: such tickets come last in the list's SLA order); returns how many changed. The
    caller holds the tickets' row locks in its transaction (the SLA scan locks them with their
    clocks) and has loaded their requester and company. No audit row: both are derived, and
    recomputed as time passes."""
    changed = []
    for ticket, pressure, due in standings:
        score = score_of(ticket, pressure=pressure)
        if (ticket.sla_pressure, ticket.priority_score, ticket.sla_due) != (pressure, score, due):
            ticket.sla_pressure, ticket.priority_score, ticket.sla_due = pressure, score, due
            changed.append(ticket)
    bulk_set(Ticket, changed, ["sla_pressure", "priority_score", "sla_due"])
    return len(changed)
