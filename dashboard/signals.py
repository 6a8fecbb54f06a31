"""Receivers: they only schedule the event (dashboard.realtime.publish runs after commit)."""

from dashboard import realtime


def announce_routing(sender, decision, **kwargs) -> None:
    """routing.signals.ticket_routed (sent after the decision's commit): a team was set."""
    if decision.team_id is None:
        return
    realtime.publish(event_type=realtime.TICKET_ASSIGNED, ticket_ids=[decision.ticket_id])
