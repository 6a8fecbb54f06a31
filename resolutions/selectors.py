"""Reads: which team's limits apply, who may decide an approval, what a person's approval
queue holds, and a ticket's resolutions with what their rows show (constant queries)."""

from django.db.models import Q, QuerySet

from core.roles import is_manager_or_admin
from org.models import AgentProfile
from org.selectors import is_team_lead, led_team_ids
from resolutions import tiers
from resolutions.models import (
    ApprovalRequest,
    ApprovalStatus,
    Resolution,
)
from tickets.models import Ticket


def deciding_limits(ticket: Ticket) -> tuple[object, tiers.Limits]:
    """``(team id, limits)`` of the owner's team whose limits apply: the ticket's team when the
    owner is a member of it, else the owner's only team; no team (None) when neither tells.
    A team without a configuration has the default limits (tiers.NO_CONFIGURATION). One
    query: the owner's memberships with their teams' configurations."""
    if ticket.owner_id is None:
        return ticket.team_id, tiers.NO_CONFIGURATION
    rows = AgentProfile.teams.through.objects.filter(
        agentprofile__user_id=ticket.owner_id
    ).values_list(
        "team_id",
        "team__empowerment__tier1_limit",
        "team__empowerment__tier2_limit",
        "team__empowerment__currency",
    )
    configs = {team_id: config for team_id, *config in rows}
    if ticket.team_id in configs:
        team_id = ticket.team_id
    elif len(configs) == 1:
        (team_id,) = configs
    else:
        return None, tiers.NO_CONFIGURATION
    tier1, tier2, currency = configs[team_id]
    if currency is None:
        return team_id, tiers.NO_CONFIGURATION
    return team_id, tiers.Limits(tier1, tier2, currency)


def may_decide(user, approval: ApprovalRequest) -> bool:
    """Tier 2: a lead of the resolution's team, or a manager; tier 3: a manager. Never the
    agent who asked (a lead or manager who made a resolution needs someone else)."""
    if user.pk == approval.requested_by_id:
        return False
    if is_manager_or_admin(user):
        return True
    return approval.tier == tiers.TEAM_LEAD and is_team_lead(user, approval.team_id)


def approval_queue(user, *, status: str = ApprovalStatus.PENDING) -> QuerySet[ApprovalRequest]:
    """The approvals the user may decide (pending ones by default): a manager's are all; a
    lead's are the tier-2 requests of the teams they lead; never their own."""
    rows = with_related(ApprovalRequest.objects.filter(status=status))
    rows = rows.exclude(requested_by=user)
    if is_manager_or_admin(user):
        return rows
    return rows.filter(Q(tier=tiers.TEAM_LEAD) & Q(team_id__in=led_team_ids(user)))


def with_related(approvals: QuerySet) -> QuerySet[ApprovalRequest]:
    return approvals.select_related(
        "resolution__ticket",
        "resolution__agent",
        "resolution__team",
        "team",
        "requested_by",
        "decided_by",
    ).order_by("created_at", "id")


def ticket_resolutions(ticket: Ticket) -> QuerySet[Resolution]:
    return (
        Resolution.objects.filter(ticket=ticket)
        .select_related("agent", "team", "approval__decided_by")
        .order_by("-created_at", "id")
    )
