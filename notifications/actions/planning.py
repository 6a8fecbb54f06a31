"""What ``notify_many`` writes, planned for all its notifications at once: the unsaved in-app
``Notification`` and ``NotificationQueue`` rows, by the rules notify's docstring lists.

The agents' preferences, quiet hours, profiles (time zone, teams) and their teams' chat
channels are read once for every agent of every notification (at most five statements,
whatever the number of notifications), and each notification's plan then looks them up. A
lookup read for more agents, event types or teams than one notification needs gives that
notification what its own reads would have given: each key is one agent, event type or team.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from core.display import display_name
from notifications import policy
from notifications.actions.inserts import new_notification
from notifications.messages import in_app_parts, template_overrides
from notifications.models import (
    Channel,
    EventType,
    Notification,
    NotificationPreference,
    NotificationQueue,
    QuietHours,
    TeamChannel,
    Timing,
)
from notifications.recipients import Recipients
from org.models import AgentProfile
from tickets.models import Ticket

CHAT_CHANNELS = frozenset({Channel.TEAMS, Channel.SLACK})
REQUESTER_PAYLOAD_KEYS = ("content", "resolution", "actor_name")


@dataclass
class Checked:
    """One notification, validated: its recipients resolved, its payload plain JSON."""

    found: Recipients
    event_type: str
    ticket: Ticket | None
    payload: dict


@dataclass
class Planned:
    queued: list[NotificationQueue] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)


@dataclass
class Lookups:
    """What the agents' plans read, for every agent of the batch."""

    chosen: dict  # (user id, event type) -> the agent's Plan
    quiet: dict  # user id -> policy.Quiet (enabled quiet hours)
    profiles: dict  # user id -> AgentProfile with its teams prefetched
    team_channels: dict  # (team id, kind) -> active TeamChannel


def plan_all(items: list[Checked], *, now: datetime) -> list[Planned]:
    """The rows of each notification, in the order of ``items``."""
    lookups = _lookups(items)
    # The admin's templates word the agents' in-app notifications (requesters get e-mail only).
    with_agents = {item.event_type for item in items if item.found.agents}
    overrides = template_overrides(with_agents) if with_agents else {}
    planned = []
    for item in items:
        plan = _plan_agents(item, lookups=lookups, overrides=overrides, now=now)
        plan.queued += _requester_rows(item, now=now)
        planned.append(plan)
    return planned


def _requester_rows(item: Checked, *, now: datetime) -> list[NotificationQueue]:
    """Requesters have no preferences: e-mail at once, with the payload's public keys only."""
    payload = {k: item.payload[k] for k in REQUESTER_PAYLOAD_KEYS if k in item.payload}
    return [
        NotificationQueue(
            channel=Channel.EMAIL,
            event_type=item.event_type,
            contact=contact,
            to_email=contact.email,
            to_name=contact.name,
            ticket=item.ticket,
            payload=payload,
            scheduled_for=now,
        )
        for contact in item.found.requesters.values()
    ]


def _lookups(items: list[Checked]) -> Lookups:
    users = {user_id for item in items for user_id in item.found.agents}
    if not users:
        return Lookups({}, {}, {}, {})
    event_types = {item.event_type for item in items if item.found.agents}
    chosen = {
        (pref.user_id, pref.event_type): pref.as_plan()
        for pref in NotificationPreference.objects.filter(
            user_id__in=users, event_type__in=event_types
        )
    }
    wanted: dict[int, set[str]] = {}  # user id -> the channels some notification plans for them
    for item in items:
        for user_id in item.found.agents:
            plan = policy.plan_for(item.event_type, chosen.get((user_id, item.event_type)))
            wanted.setdefault(user_id, set()).update(plan.channels)
    # Quiet hours and profiles matter to e-mail and chat only: in-app notifications (the routed
    # team's, say) need neither read.
    by_email = {user_id for user_id, channels in wanted.items() if Channel.EMAIL in channels}
    by_chat_or_email = {
        user_id
        for user_id, channels in wanted.items()
        if channels & (CHAT_CHANNELS | {Channel.EMAIL})
    }
    quiet = {}
    if by_email:
        quiet = {
            row.user_id: policy.Quiet(row.start, row.end)
            for row in QuietHours.objects.filter(user_id__in=by_email, enabled=True)
        }
    profiles = {}
    if by_chat_or_email:
        profiles = {
            profile.user_id: profile
            for profile in AgentProfile.objects.filter(
                user_id__in=by_chat_or_email
            ).prefetch_related("teams")
        }
    kinds = set().union(*wanted.values()) & CHAT_CHANNELS
    return Lookups(chosen, quiet, profiles, _team_channels(kinds, profiles, items))


def _team_channels(kinds: set[str], profiles: dict, items: list[Checked]) -> dict:
    if not kinds:
        return {}
    team_ids = {team.pk for profile in profiles.values() for team in profile.teams.all()}
    team_ids |= {item.ticket.team_id for item in items if item.ticket and item.ticket.team_id}
    return {
        (channel.team_id, channel.kind): channel
        for channel in TeamChannel.objects.filter(
            team_id__in=team_ids, kind__in=kinds, is_active=True
        )
    }


def _plan_agents(item: Checked, *, lookups: Lookups, overrides: dict, now: datetime) -> Planned:
    planned = Planned()
    users = item.found.agents
    if not users:
        return planned
    event_type, ticket, payload = item.event_type, item.ticket, item.payload
    bypass_quiet = (
        event_type == EventType.SLA_BREACH and ticket is not None and ticket.priority == "critical"
    )
    title, body = in_app_parts(
        event_type=event_type,
        ticket=ticket,
        payload=payload,
        recipient_name="",
        overrides=overrides,
    )
    posted: set = set()  # team channels this notification posts to once
    for user_id, user in users.items():
        plan = policy.plan_for(event_type, lookups.chosen.get((user_id, event_type)))
        profile = lookups.profiles.get(user_id)
        if Channel.IN_APP in plan.channels:
            planned.notifications.append(
                new_notification(
                    user=user,
                    event_type=event_type,
                    ticket=ticket,
                    title=title,
                    body=body,
                    payload=payload,
                    created_at=timezone.now(),  # each row's own time, as auto_now_add
                )
            )
        if Channel.EMAIL in plan.channels and user.email:
            planned.queued.append(
                NotificationQueue(
                    channel=Channel.EMAIL,
                    timing=plan.timing,
                    event_type=event_type,
                    user=user,
                    to_email=user.email,
                    to_name=display_name(user),
                    ticket=ticket,
                    payload=payload,
                    scheduled_for=policy.email_send_at(
                        now=now,
                        timing=plan.timing,
                        tz_name=profile.timezone if profile else "UTC",
                        quiet=lookups.quiet.get(user_id),
                        bypass_quiet=bypass_quiet,
                    ),
                )
            )
        for kind in sorted(plan.channels & CHAT_CHANNELS):
            candidates = _candidate_teams(user_id, profile, item.found.via_team, ticket)
            channels = lookups.team_channels
            channel = next((channels[(t, kind)] for t in candidates if (t, kind) in channels), None)
            if channel is not None and channel.pk not in posted:
                posted.add(channel.pk)
                planned.queued.append(
                    NotificationQueue(
                        channel=kind,
                        event_type=event_type,
                        team_channel=channel,
                        ticket=ticket,
                        payload=payload,
                        scheduled_for=now,
                    )
                )
    return planned


def _candidate_teams(user_id, profile, via_team: dict, ticket) -> list:
    """The team whose channel speaks for this agent: the team they were reached through, else
    the ticket's team when they belong to it, else their own teams by name."""
    if user_id in via_team:
        return [via_team[user_id]]
    member_of = sorted(profile.teams.all(), key=lambda team: team.name) if profile else []
    ids = [team.pk for team in member_of]
    if ticket is not None and ticket.team_id in ids:
        return [ticket.team_id]
    return ids


def is_due_now(row: NotificationQueue, now: datetime) -> bool:
    """Rows sent right after the commit; the rest wait for the beat (quiet hours, digests)."""
    return row.timing == Timing.IMMEDIATE and row.scheduled_for <= now
