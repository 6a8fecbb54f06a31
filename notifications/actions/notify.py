"""Every write of the notifications app. ``notify`` is the one entry point that the rules engine,
SLA, envelopes, reminders and the ticket lifecycle use to tell people things.

``notify(*, recipients, event_type, ticket=None, payload)``, in one transaction:

1. resolves the recipients (see notifications.recipients) and checks the event type against
   them: agent events go to staff, requester events (ticket_received, public_reply,
   waiting_on_you, resolved) to requesters;
2. refuses internal content for requesters: a payload with ``"internal": true``, a
   ``visibility`` of internal / envelope_only, or an ``entry_id`` of a timeline entry that is not
   public raises NotPermitted; requesters' payloads keep only REQUESTER_PAYLOAD_KEYS;
3. applies each agent's preference or the default (see notifications.policy), quiet hours in
   the agent's time zone and digest timing, and writes in-app ``Notification`` rows and
   ``NotificationQueue`` rows (e-mail per person; Teams/Slack once per team channel);
4. after commit: pushes the in-app rows over the channel layer and hands every row that is due
   now to the delivery task. Rows scheduled later are picked up by the beat tasks.

Sending, retries and the admin's retry/cancel: notifications.actions.delivery and .queue.
"""

import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.background import after_commit
from core.display import display_name
from core.exceptions import DomainValidationError, NotPermitted
from notifications import policy
from notifications.messages import in_app_parts, template_overrides
from notifications.models import (
    REQUESTER_EVENTS,
    Channel,
    EventType,
    Notification,
    NotificationPreference,
    NotificationQueue,
    QuietHours,
    TeamChannel,
    Timing,
)
from notifications.realtime import push_notification
from notifications.recipients import Recipients, resolve_recipients
from notifications.tasks import deliver_notification
from org.models import AgentProfile
from tickets.models import Ticket, TimelineEntry

INTERNAL_VISIBILITIES = frozenset(
    {TimelineEntry.Visibility.INTERNAL, TimelineEntry.Visibility.ENVELOPE_ONLY}
)
REQUESTER_PAYLOAD_KEYS = ("content", "resolution", "actor_name")
CHAT_CHANNELS = frozenset({Channel.TEAMS, Channel.SLACK})


@dataclass
class NotifyResult:
    queued: list[NotificationQueue]
    notifications: list[Notification]


@transaction.atomic
def notify(*, recipients, event_type: str, ticket: Ticket | None = None, payload) -> NotifyResult:
    if event_type not in EventType.values:
        raise DomainValidationError({"event_type": [f"Unknown event type {event_type!r}."]})
    payload = _json_payload(payload)
    found = resolve_recipients(recipients)
    if found.agents and event_type in REQUESTER_EVENTS:
        raise DomainValidationError({"event_type": [f"{event_type} is for requesters only."]})
    if found.requesters:
        _ensure_requester_safe(event_type=event_type, ticket=ticket, payload=payload)
    now = timezone.now()
    queued, notes = _plan_agents(
        found=found, event_type=event_type, ticket=ticket, payload=payload, now=now
    )
    requester_payload = {k: payload[k] for k in REQUESTER_PAYLOAD_KEYS if k in payload}
    for contact in found.requesters.values():
        queued.append(
            NotificationQueue(
                channel=Channel.EMAIL,
                event_type=event_type,
                contact=contact,
                to_email=contact.email,
                to_name=contact.name,
                ticket=ticket,
                payload=requester_payload,
                scheduled_for=now,
            )
        )
    NotificationQueue.objects.bulk_create(queued)
    Notification.objects.bulk_create(notes)
    for note in notes:
        push_notification(note)  # sent after the commit (core.realtime)
    for row in queued:
        if row.timing == Timing.IMMEDIATE and row.scheduled_for <= now:
            after_commit(deliver_notification, str(row.pk))
    return NotifyResult(queued=queued, notifications=notes)


def _json_payload(payload) -> dict:
    if not isinstance(payload, dict):
        raise DomainValidationError({"payload": ["The payload must be a mapping."]})
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def _ensure_requester_safe(*, event_type: str, ticket: Ticket | None, payload: dict) -> None:
    if event_type not in REQUESTER_EVENTS:
        raise DomainValidationError({"event_type": [f"{event_type} is not a requester event."]})
    if ticket is None:
        raise DomainValidationError({"ticket": ["Requester messages are about a ticket."]})
    if payload.get("internal") is True or payload.get("visibility") in INTERNAL_VISIBILITIES:
        raise NotPermitted("Internal content is never sent to a requester.")
    entry_id = payload.get("entry_id")
    if entry_id is not None:
        try:
            visibility = (
                TimelineEntry.objects.filter(pk=entry_id, ticket=ticket)
                .values_list("visibility", flat=True)
                .first()
            )
        except (ValidationError, ValueError):
            visibility = None
        if visibility != TimelineEntry.Visibility.PUBLIC:
            raise NotPermitted("Only public timeline entries are sent to a requester.")


def _plan_agents(*, found: Recipients, event_type, ticket, payload, now):
    users = found.agents
    if not users:
        return [], []
    chosen = {
        pref.user_id: pref.as_plan()
        for pref in NotificationPreference.objects.filter(user_id__in=users, event_type=event_type)
    }
    plans = {user_id: policy.plan_for(event_type, chosen.get(user_id)) for user_id in users}
    wanted = set().union(*(plan.channels for plan in plans.values()))
    # Quiet hours and profiles (time zone, teams) matter to e-mail and chat only: an in-app
    # notification (the routed team's, say) needs neither read.
    quiet = {}
    if Channel.EMAIL in wanted:
        quiet = {
            row.user_id: policy.Quiet(row.start, row.end)
            for row in QuietHours.objects.filter(user_id__in=users, enabled=True)
        }
    profiles = {}
    if wanted & (CHAT_CHANNELS | {Channel.EMAIL}):
        profiles = {
            profile.user_id: profile
            for profile in AgentProfile.objects.filter(user_id__in=users).prefetch_related("teams")
        }
    kinds = wanted & CHAT_CHANNELS
    team_channels = _team_channels(kinds, profiles, ticket)
    bypass_quiet = (
        event_type == EventType.SLA_BREACH and ticket is not None and ticket.priority == "critical"
    )
    title, body = in_app_parts(
        event_type=event_type,
        ticket=ticket,
        payload=payload,
        recipient_name="",
        overrides=template_overrides([event_type]),
    )
    queued, notes, posted = [], [], set()
    for user_id, user in users.items():
        plan, profile = plans[user_id], profiles.get(user_id)
        if Channel.IN_APP in plan.channels:
            notes.append(
                Notification(
                    user=user,
                    event_type=event_type,
                    ticket=ticket,
                    title=title,
                    body=body,
                    payload=payload,
                )
            )
        if Channel.EMAIL in plan.channels and user.email:
            queued.append(
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
                        quiet=quiet.get(user_id),
                        bypass_quiet=bypass_quiet,
                    ),
                )
            )
        for kind in sorted(plan.channels & CHAT_CHANNELS):
            candidates = _candidate_teams(user_id, profile, found.via_team, ticket)
            channel = next(
                (team_channels[(t, kind)] for t in candidates if (t, kind) in team_channels), None
            )
            if channel is not None and channel.pk not in posted:
                posted.add(channel.pk)
                queued.append(
                    NotificationQueue(
                        channel=kind,
                        event_type=event_type,
                        team_channel=channel,
                        ticket=ticket,
                        payload=payload,
                        scheduled_for=now,
                    )
                )
    return queued, notes


def _team_channels(kinds, profiles, ticket) -> dict:
    if not kinds:
        return {}
    team_ids = {team.pk for profile in profiles.values() for team in profile.teams.all()}
    if ticket is not None and ticket.team_id:
        team_ids.add(ticket.team_id)
    return {
        (channel.team_id, channel.kind): channel
        for channel in TeamChannel.objects.filter(
            team_id__in=team_ids, kind__in=kinds, is_active=True
        )
    }


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
