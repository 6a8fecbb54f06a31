"""What semantic triage does when things change (after the commit, from the event bus): a
team's profile changed, it is embedded again; a ticket resolved, or moved to another team by
a person (a transfer, a dispatcher's choice out of the triage queue), it teaches its team."""

from core.subscriptions import Event, subscribe
from org.events import TEAM_PROFILE_CHANGED
from routing.actions.triage_learning import learn_from_ticket
from routing.actions.triage_profiles import embed_team
from routing.models import TriageLesson
from tickets.events import CAUSE_ROUTING, TICKET_RESOLVED, TICKET_UPDATED, TicketEvent


@subscribe(TEAM_PROFILE_CHANGED, name="routing.triage_profile")
def embed_changed_team(event: Event) -> None:
    embed_team(team_id=event.data["team"])


@subscribe(TICKET_RESOLVED, TICKET_UPDATED, name="routing.triage_learn")
def learn_from_change(event: Event) -> None:
    change = TicketEvent.of(event)
    if event.name == TICKET_RESOLVED:
        learn_from_ticket(ticket_id=change.ticket_id, reason=TriageLesson.Reason.RESOLVED)
        return
    moved = (change.data.get("changed") or {}).get("team")
    if moved and moved[1] and change.data.get("cause") != CAUSE_ROUTING:
        learn_from_ticket(ticket_id=change.ticket_id, reason=TriageLesson.Reason.TRANSFERRED)
