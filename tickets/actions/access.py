"""Who may act on a ticket: the checks the ticket actions share."""

from core.exceptions import NotPermitted
from core.roles import Role, is_manager_or_admin, role_of
from org.selectors import is_team_member
from tickets.models import Ticket


def ensure_works_ticket(actor, ticket: Ticket) -> None:
    """The owner, a manager or an admin."""
    if is_manager_or_admin(actor) or (ticket.owner_id and ticket.owner_id == actor.pk):
        return
    raise NotPermitted("Only the owner, a manager or an admin may do this.")


def is_requester_of(actor, ticket: Ticket) -> bool:
    return role_of(actor) == Role.REQUESTER and ticket.requester.user_id == actor.pk


def is_agent_of_team(user, ticket: Ticket) -> bool:
    return role_of(user) == Role.AGENT and is_team_member(user, ticket.team)


def may_edit_properties(actor, ticket: Ticket) -> bool:
    """The ticket page's properties: its owner, an agent of its team, a manager or an admin."""
    if is_manager_or_admin(actor) or (ticket.owner_id and ticket.owner_id == actor.pk):
        return True
    return is_agent_of_team(actor, ticket)
