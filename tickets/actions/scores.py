"""The priority score's SLA part. The SLA app measures how hard each ticket's clock presses
(its pressure: 1.0 at rest, up to 3.0 as a deadline nears or passes, times up to 1.4 for a
ticket left without activity); the ticket keeps it and derives its score with the one formula
(tickets.priority), here and in every action that changes priority, status or tier."""

from collections.abc import Iterable

from core.bulk import bulk_set
from tickets.models import Ticket
from tickets.priority import score_of


def set_sla_pressure(*, pressures: Iterable[tuple[Ticket, float]]) -> int:
    """Store each ticket's pressure and score; returns how many changed. The caller holds the
    tickets' row locks in its transaction (the SLA scan locks them with their clocks) and has
    loaded their requester and company. No audit row: the score is derived, and recomputed as
    time passes."""
    changed = []
    for ticket, pressure in pressures:
        score = score_of(ticket, pressure=pressure)
        if (ticket.sla_pressure, ticket.priority_score) != (pressure, score):
            ticket.sla_pressure, ticket.priority_score = pressure, score
            changed.append(ticket)
    bulk_set(Ticket, changed, ["sla_pressure", "priority_score"])
    return len(changed)
