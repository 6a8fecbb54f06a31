"""Pure notification policy: which channels, and when. No ORM, no settings: values in, values out.

Defaults when an agent has set no preference for an event type (all immediate):

| event        | channels          | why                                                    |
|--------------|-------------------|--------------------------------------------------------|
| assigned     | e-mail, in-app    | the agent must act                                     |
| envelope     | e-mail, in-app    | an expert sub-case waits for the team                  |
| sla_warning  | e-mail, in-app    | time-critical, there is still time to act              |
| sla_breach   | e-mail, in-app    | time-critical                                          |
| reminder     | e-mail, in-app    | the agent set it for that moment                       |
| mention      | e-mail, in-app    | someone asked for this agent by name                   |
| alert        | e-mail, in-app    | a routing rule's ``notify`` action                     |
| flagged      | e-mail, in-app    | social media exposure (managers), repeat contact (owner)|
| suggested    | in-app            | routing asks this agent by name to take a new ticket   |
| routed       | in-app            | every new ticket of the team: frequent                 |
| reply        | in-app            | frequent; visible in the ticket anyway                 |
| approval     | e-mail, in-app    | a resolution waits for a lead, or was decided          |

Requesters have no preferences: their four events (ticket_received, public_reply,
waiting_on_you, resolved) always go by e-mail at once.

Timing (immediate, hourly digest, daily digest) applies to e-mail. In-app notifications are
created at once (they are silent). Teams and Slack posts go to the team's channel, shared by the
whole team, so they are sent at once and once per channel, whatever one member's digest or quiet
hours say.

Quiet hours (in the agent's time zone) hold back immediate e-mail until the window ends, except
an SLA breach of a critical ticket. A digest that falls due inside quiet hours also waits for
the end of the window. Hourly digests fall due at the next full local hour, daily digests at
``DAILY_DIGEST_HOUR`` local time.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EMAIL, IN_APP, TEAMS, SLACK = "email", "in_app", "teams", "slack"
IMMEDIATE, HOURLY, DAILY = "immediate", "hourly", "daily"
DAILY_DIGEST_HOUR = 8


@dataclass(frozen=True)
class Plan:
    channels: frozenset[str]
    timing: str = IMMEDIATE


_URGENT = Plan(frozenset({EMAIL, IN_APP}))

DEFAULT_PLANS: dict[str, Plan] = {
    "assigned": _URGENT,
    "envelope": _URGENT,
    "sla_warning": _URGENT,
    "sla_breach": _URGENT,
    "reminder": _URGENT,
    "mention": _URGENT,
    "alert": _URGENT,
    "approval": _URGENT,
    "flagged": _URGENT,
    "suggested": Plan(frozenset({IN_APP})),
    "routed": Plan(frozenset({IN_APP})),
    "reply": Plan(frozenset({IN_APP})),
}
REQUESTER_PLAN = Plan(frozenset({EMAIL}))


def plan_for(event_type: str, preference: Plan | None) -> Plan:
    """The agent's own plan when they set one, else the default for the event type."""
    if preference is not None:
        return preference
    return DEFAULT_PLANS.get(event_type, Plan(frozenset({IN_APP})))


@dataclass(frozen=True)
class Quiet:
    """A daily quiet window in local wall-clock time; ``start > end`` crosses midnight."""

    start: time
    end: time

    def contains(self, local: time) -> bool:
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def quiet_until(now: datetime, tz_name: str, quiet: Quiet | None) -> datetime | None:
    """When ``now`` (aware) lies inside the quiet window, the window's end (aware, in UTC);
    otherwise None."""
    if quiet is None:
        return None
    tz = ZoneInfo(tz_name)
    local = now.astimezone(tz)
    if not quiet.contains(local.time().replace(tzinfo=None)):
        return None
    end_day: date = local.date()
    if local.time().replace(tzinfo=None) >= quiet.end:  # the window ends tomorrow
        end_day += timedelta(days=1)
    return _utc(datetime.combine(end_day, quiet.end, tzinfo=tz))


def digest_due(now: datetime, timing: str, tz_name: str) -> datetime:
    """End of the digest period ``now`` falls in: the next full local hour, or the next
    ``DAILY_DIGEST_HOUR`` o'clock local time (strictly after ``now``)."""
    tz = ZoneInfo(tz_name)
    local = now.astimezone(tz)
    if timing == HOURLY:
        # Step in UTC so that a DST change in between cannot repeat or skip an hour.
        return _utc(local.replace(minute=0, second=0, microsecond=0)) + timedelta(hours=1)
    if timing == DAILY:
        due = datetime.combine(local.date(), time(DAILY_DIGEST_HOUR), tzinfo=tz)
        if _utc(due) <= now:
            due = datetime.combine(local.date() + timedelta(days=1), time(DAILY_DIGEST_HOUR), tz)
        return _utc(due)
    raise ValueError(f"Not a digest timing: {timing!r}")


def email_send_at(
    *, now: datetime, timing: str, tz_name: str, quiet: Quiet | None, bypass_quiet: bool
) -> datetime:
    """When an agent's e-mail may go: now, the digest's due time, or the end of quiet hours."""
    at = now if timing == IMMEDIATE else digest_due(now, timing, tz_name)
    if bypass_quiet and timing == IMMEDIATE:
        return at
    return quiet_until(at, tz_name, quiet) or at


def backoff(attempts: int, *, base_seconds: int = 60, cap_seconds: int = 3600) -> timedelta:
    """Wait before retry number ``attempts`` + 1: 1, 2, 4, 8 ... minutes, at most an hour."""
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def _utc(value: datetime) -> datetime:
    return value.astimezone(ZoneInfo("UTC"))
