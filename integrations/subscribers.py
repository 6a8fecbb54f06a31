"""A routed ticket's decision goes out to the handler plugins of the enabled endpoints (each
one delivery, attempted by a task after the commit, retried with backoff)."""

from core.subscriptions import Event, subscribe
from integrations.actions.dispatch import dispatch_decision
from integrations.actions.outbound import any_endpoint_enabled
from tickets.events import TICKET_ROUTED


@subscribe(TICKET_ROUTED, name="integrations.handlers")
def push_decision(event: Event) -> None:
    if not any_endpoint_enabled():
        return  # nothing to tell: no query (the common case without handlers)
    dispatch_decision(event.data["decision"])
