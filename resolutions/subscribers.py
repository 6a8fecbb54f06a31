"""Who hears of resolutions: a tier-2 request reaches the team's leads, a tier-3 one the
managers; the agent hears the outcome. notifications.actions.notify does the rest
(preferences, quiet hours, channels)."""

from django.contrib.auth import get_user_model

from core.roles import Role
from core.subscriptions import Event, subscribe
from notifications.actions.notify import notify
from notifications.models import EventType
from org.models import TeamLead
from resolutions import tiers
from resolutions.events import RESOLUTION_CREATED, RESOLUTION_DECIDED
from tickets.events import TicketEvent
from tickets.models import Ticket

User = get_user_model()


def _money(data: dict) -> str:
    return f"{data['amount']} {data['currency']}"


def _deciders(tier: str, team_id, asked_by) -> list:
    if tier == tiers.TEAM_LEAD and team_id is not None:
        leads = TeamLead.objects.filter(team_id=team_id, profile__teams=team_id)
        users = list(User.objects.filter(is_active=True, agent_profile__lead_flags__in=leads))
        if users:
            return [user for user in users if user.pk != asked_by]
    # No lead (or tier 3): the managers decide.
    managers = User.objects.filter(is_active=True, groups__name=Role.MANAGER).distinct()
    return [user for user in managers if user.pk != asked_by]


@subscribe(RESOLUTION_CREATED, name="resolutions.ask")
def ask_for_approval(event: Event) -> None:
    change = TicketEvent.of(event)
    data = change.data
    if data["tier"] == tiers.AGENT:
        return
    recipients = _deciders(data["tier"], data["team"], data["agent"])
    if not recipients:
        return
    ticket = Ticket.objects.get(pk=change.ticket_id)
    who = "a team lead" if data["tier"] == tiers.TEAM_LEAD else "a manager"
    notify(
        recipients=recipients,
        event_type=EventType.APPROVAL,
        ticket=ticket,
        payload={"message": f"A resolution of {_money(data)} waits for {who}'s approval."},
    )


@subscribe(RESOLUTION_DECIDED, name="resolutions.tell_agent")
def tell_agent(event: Event) -> None:
    change = TicketEvent.of(event)
    data = change.data
    agent = User.objects.filter(pk=data["agent"], is_active=True).first()
    if agent is None or agent.pk == data["decided_by"]:
        return
    ticket = Ticket.objects.get(pk=change.ticket_id)
    verb = "approved" if data["status"] == "approved" else "rejected"
    notify(
        recipients=[agent],
        event_type=EventType.APPROVAL,
        ticket=ticket,
        payload={
            "message": f"Your resolution of {_money(data)} was {verb}.",
            "reason": data.get("reason", ""),
            "internal": True,
        },
    )
