"""Who hears of what happens, in the order it happened (the events of one ticket come in
order). Each subscriber picks the recipients and the message; ``notify`` does the rest
(preferences, quiet hours, channels, the requester-safety checks)."""

import uuid

from django.contrib.auth import get_user_model
from django.db.models import F

from core.exceptions import DomainError
from core.roles import Role, with_roles
from core.subscriptions import Event, subscribe
from escalations.events import ENVELOPE_COMPLETED, ENVELOPE_CREATED
from notifications.actions.notify import NotifyRequest, notify, notify_many
from notifications.event_tickets import ticket_of, tickets_of
from notifications.invitations import send_invitation
from notifications.models import EventType
from routing.actions.effects import ROUTING_ALERT
from sla.events import REMINDER_DUE, SLA_BREACHED, SLA_WARNING
from tickets.actions.timeline import add_system_note
from tickets.events import (
    CONTACT_INVITED,
    TICKET_ASSIGNED,
    TICKET_CREATED,
    TICKET_ENTRY_ADDED,
    TICKET_RESOLVED,
    TICKET_ROUTED,
    TICKET_UPDATED,
    TicketEvent,
)
from tickets.lifecycle import TicketStatus
from tickets.models import Ticket, TimelineEntry

User = get_user_model()

from notifications import flag_subscribers  # noqa: E402, F401  (flags that notify)


def _tell_requester(ticket_id, event_type: str, payload: dict | None = None) -> None:
    ticket = ticket_of(ticket_id)
    notify(
        recipients=[ticket.requester], event_type=event_type, ticket=ticket, payload=payload or {}
    )


@subscribe(TICKET_CREATED, name="notifications.receipt", batch=True)
def tell_requesters_received(events: list[Event]) -> None:
    """Each new ticket's requester hears it was received; a burst's tickets in one batch."""
    ticket_ids = [TicketEvent.of(event).ticket_id for event in events]
    tickets = tickets_of(ticket_ids)
    notify_many(
        requests=[
            NotifyRequest([tickets[id_].requester], EventType.TICKET_RECEIVED, tickets[id_])
            for id_ in ticket_ids
        ]
    )


@subscribe(TICKET_UPDATED, name="notifications.waiting")
def tell_requester_waiting(event: Event) -> None:
    change = TicketEvent.of(event)
    if (change.changed.get("status") or [None, None])[1] == TicketStatus.WAITING:
        _tell_requester(change.ticket_id, EventType.WAITING_ON_YOU)


@subscribe(TICKET_RESOLVED, name="notifications.resolved")
def tell_requester_resolved(event: Event) -> None:
    change = TicketEvent.of(event)
    payload = {"resolution": change.data.get("resolution", ""), "actor_name": _actor_name(change)}
    _tell_requester(change.ticket_id, EventType.RESOLVED, payload)


@subscribe(TICKET_ASSIGNED, name="notifications.transferred")
def tell_new_owner(event: Event) -> None:
    change = TicketEvent.of(event)
    reason = change.data.get("reason", "")
    if reason == "accepted":
        return  # the one who accepted knows
    ticket = ticket_of(change.ticket_id)
    notify(
        recipients=[ticket.owner],
        event_type=EventType.ASSIGNED,
        ticket=ticket,
        payload={"message": f"You now own {ticket.reference} ({reason.replace('_', ' ')})."},
    )


@subscribe(TICKET_ENTRY_ADDED, name="notifications.entries")
def tell_of_entry(event: Event) -> None:
    """A requester's reply goes to the owner; a public staff reply in the app to the
    requester. Internal notes are never sent to a requester; comments a source system sent us
    were told to its own users already."""
    change = TicketEvent.of(event)
    data = change.data
    if data["by_requester"]:
        ticket = ticket_of(change.ticket_id)
        if ticket.owner_id is not None:
            entry = TimelineEntry.objects.get(pk=data["entry"])
            notify(
                recipients=[ticket.owner],
                event_type=EventType.REPLY,
                ticket=ticket,
                payload={"entry_id": str(entry.pk), "content": entry.content},
            )
        return
    if data["imported"] or data["visibility"] != TimelineEntry.Visibility.PUBLIC:
        return
    ticket = ticket_of(change.ticket_id)
    entry = TimelineEntry.objects.get(pk=data["entry"])
    notify(
        recipients=[ticket.requester],
        event_type=EventType.PUBLIC_REPLY,
        ticket=ticket,
        payload={
            "entry_id": str(entry.pk),
            "content": entry.content,
            "actor_name": _actor_name(change),
        },
    )


@subscribe(TICKET_ROUTED, name="notifications.routed", batch=True)
def tell_teams_and_suggested_agents(events: list[Event]) -> None:
    """The team that now holds each ticket hears of it, and the agent routing suggests is
    asked by name (the team's message skips them). A wave's tickets in a fixed number of
    queries: the tickets, the teams' active agents, the suggested agents from outside."""
    changes = [
        change
        for change in map(TicketEvent.of, events)
        if change.ticket.get("team") is not None and "team" in change.changed
    ]
    if not changes:
        return
    tickets = tickets_of([change.ticket_id for change in changes])
    members = _active_agents_of({tickets[change.ticket_id].team_id for change in changes})
    suggested = {change.data.get("suggested_agent") for change in changes} - {None}
    # An agent suggested from outside a ticket's team may be in another team of the wave.
    anyone = {user.pk: user for people in members.values() for user in people}
    anyone |= _active_users(suggested - set(anyone))
    requests = []
    for change in changes:
        ticket = tickets[change.ticket_id]
        requests += _routed_requests(
            ticket, members.get(ticket.team_id, []), change.data.get("suggested_agent"), anyone
        )
    notify_many(requests=requests)


def _routed_requests(ticket: Ticket, people: list, suggested, anyone: dict) -> list:
    """The team's message (without the suggested agent) and the suggested agent's."""
    requests = []
    team_members = [user for user in people if user.pk != suggested]
    if team_members:
        message = f"{ticket.reference} was routed to {ticket.team.name}."
        requests.append(NotifyRequest(team_members, EventType.ROUTED, ticket, {"message": message}))
    agent = next((user for user in people if user.pk == suggested), None)
    if agent is None and suggested:  # named by a rule, from outside the team
        agent = anyone.get(suggested)
    if agent is not None:
        message = f"Routing suggests you take {ticket.reference}."
        requests.append(NotifyRequest([agent], EventType.SUGGESTED, ticket, {"message": message}))
    return requests


def _active_agents_of(team_ids: set) -> dict:
    """Team id -> its active agents (by id) with their role (core.roles.with_roles): one query
    for all the teams."""
    people = (
        with_roles(User.objects.filter(agent_profile__teams__in=team_ids, is_active=True))
        .annotate(member_of=F("agent_profile__teams"))
        .order_by("pk")
    )
    members: dict = {}
    for user in people:
        members.setdefault(user.member_of, []).append(user)
    return members


def _active_users(user_ids: set) -> dict:
    """Active users by id, with their role: one query (none for no ids)."""
    if not user_ids:
        return {}
    return {
        user.pk: user for user in with_roles(User.objects.filter(pk__in=user_ids, is_active=True))
    }


@subscribe(ENVELOPE_CREATED, ENVELOPE_COMPLETED, name="notifications.envelopes")
def tell_of_envelope(event: Event) -> None:
    """A new envelope goes to the named expert (else its team); a completed one to the owner
    (unless the owner completed it)."""
    change = TicketEvent.of(event)
    envelope = change.data["envelope"]
    ticket = ticket_of(change.ticket_id)
    if event.name == ENVELOPE_CREATED:
        if envelope["agent"]:
            recipients = list(User.objects.filter(pk=envelope["agent"]))
        else:
            recipients = [f"team:{envelope['team']['slug']}"]
        message = "An envelope is waiting for you."
    else:
        if ticket.owner_id is None or ticket.owner_id == change.actor_id:
            return
        recipients, message = [ticket.owner], "An envelope was completed."
    notify(
        recipients=recipients,
        event_type=EventType.ENVELOPE,
        ticket=ticket,
        payload={
            "envelope_id": envelope["id"],
            "status": envelope["status"],
            "reason": envelope["reason"],
            "message": message,
            "actor_name": _actor_name(change),
            "internal": True,
        },
    )


@subscribe(SLA_WARNING, SLA_BREACHED, name="notifications.sla")
def tell_of_crossing(event: Event) -> None:
    """Whom the policy's escalation actions name: the owner (or, unowned, the ticket's team),
    the team, the managers."""
    ticket = ticket_of(event.data["ticket"]["id"])
    recipients = _sla_audience(ticket, set(event.data.get("notify", ())))
    if not recipients:
        return
    breach = event.name == SLA_BREACHED
    notify(
        recipients=recipients,
        event_type=EventType.SLA_BREACH if breach else EventType.SLA_WARNING,
        ticket=ticket,
        payload={
            "kind": event.data["kind"],
            "threshold_at": event.data["threshold_at"],
            "policy": event.data["policy"],
            "message": event.data["message"],
        },
    )


def _sla_audience(ticket: Ticket, who: set[str]) -> list:
    recipients = []
    if "owner" in who and ticket.owner_id is not None:
        recipients.append(ticket.owner)
    elif ("team" in who or "owner" in who) and ticket.team_id is not None:
        recipients.append(ticket.team)
    if "team" in who and ticket.owner_id is not None and ticket.team_id is not None:
        recipients.append(ticket.team)
    if "managers" in who:
        recipients += list(User.objects.filter(is_active=True, groups__name=Role.MANAGER))
    return recipients


@subscribe(REMINDER_DUE, name="notifications.reminders")
def tell_of_reminder(event: Event) -> None:
    user = User.objects.filter(pk=event.data["user"], is_active=True).first()
    if user is None:
        return
    ticket_ref = event.data.get("ticket")
    ticket = ticket_of(ticket_ref["id"]) if ticket_ref else None
    notify(
        recipients=[user],
        event_type=EventType.REMINDER,
        ticket=ticket,
        payload={
            "reminder": event.data["reminder"],
            "message": event.data["message"],
            "kind": event.data["kind"],
            "trigger_at": event.data["trigger_at"],
        },
    )


@subscribe(ROUTING_ALERT, name="notifications.alerts")
def tell_of_alert(event: Event) -> None:
    """A rule's ``notify``: the owner, the managers, the ticket's team, ``team:<slug>`` or
    ``agent:<email>``. A target that names nobody known leaves a line on the timeline."""
    ticket = ticket_of(uuid.UUID(event.data["ticket"]["id"]))
    target = event.data["to"]
    kind, _, name = target.partition(":")
    if kind == "owner":
        recipients = [ticket.owner] if ticket.owner_id else []
    elif kind == "managers":
        recipients = list(User.objects.filter(groups__name=Role.MANAGER, is_active=True))
    elif kind == "team" and name == "":
        recipients = [f"team:{ticket.team.slug}"] if ticket.team_id else []
    else:
        recipients = [target] if name else []
    if not recipients:
        return
    payload = {
        "message": event.data["message"],
        "rule": event.data["rule"],
        "event": event.data["event"],
    }
    try:
        notify(recipients=recipients, event_type=EventType.ALERT, ticket=ticket, payload=payload)
    except DomainError as error:  # a rule naming an unknown team must not stop the others
        add_system_note(
            ticket_id=ticket.pk,
            content=f"Rule '{event.data['rule']}' could not notify {target}: {error}",
        )


@subscribe(CONTACT_INVITED, name="notifications.invitations")
def send_contact_invitation(event: Event) -> None:
    send_invitation(user_id=event.data["user"], email=event.data["email"])


def _actor_name(change: TicketEvent) -> str:
    return change.actor["name"] if change.actor else "the service desk"
