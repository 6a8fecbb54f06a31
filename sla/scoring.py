"""How hard a ticket's SLA clock presses on its place in the queue (the seed's PriorityService).
Pure.

pressure = SLA factor (1.0 to 3.0 as a deadline nears or passes, sla.clocks) x staleness factor
(up to 1.4 without activity). The ticket keeps it (tickets.actions.scores) and its priority
score is base x tier x escalation x pressure, in one place: tickets.priority.
"""


def pressure(*, sla_factor: float, staleness_factor: float) -> float:
    return round(sla_factor * staleness_factor, 4)
