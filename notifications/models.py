"""What the service desk tells people, how and when.

- ``NotificationPreference``: one agent's choice per event type (channels and timing).
- ``QuietHours``: the hours, in the agent's own time zone, when nothing should ping them.
- ``NotificationQueue``: every outbound message (e-mail, Teams, Slack) waiting, sent or failed,
  with its attempts and last error; the delivery tasks work from it.
- ``Notification``: the in-app list (read/unread), also pushed over the websocket.
- ``MessageTemplate``: an admin's wording for one event type, overriding the built-in default.
- ``TeamChannel``: a team's Teams or Slack incoming-webhook URL.
- ``SatisfactionRating``: the requester's 1-5 rating of a resolved ticket (CSAT).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.template import Template, TemplateSyntaxError

from notifications.policy import Plan
from org.models import Team
from tickets.models import Contact, Ticket


class EventType(models.TextChoices):
    # Agent events
    ASSIGNED = "assigned", "Ticket assigned"
    ENVELOPE = "envelope", "Envelope (expert sub-case)"
    SLA_WARNING = "sla_warning", "SLA warning"
    SLA_BREACH = "sla_breach", "SLA breach"
    REMINDER = "reminder", "Reminder"
    MENTION = "mention", "Mention"
    REPLY = "reply", "Reply on a ticket"
    ALERT = "alert", "Alert (routing rule)"
    ROUTED = "routed", "Routed to your team"
    SUGGESTED = "suggested", "Suggested for you (routing)"
    APPROVAL = "approval", "Resolution approval (asked or decided)"
    FLAGGED = "flagged", "Case flagged (social media, repeat contact)"
    # Requester events
    TICKET_RECEIVED = "ticket_received", "Ticket received (requester)"
    PUBLIC_REPLY = "public_reply", "Public reply (requester)"
    WAITING_ON_YOU = "waiting_on_you", "Waiting on you (requester)"
    RESOLVED = "resolved", "Resolved (requester)"


REQUESTER_EVENTS = frozenset(
    {
        EventType.TICKET_RECEIVED,
        EventType.PUBLIC_REPLY,
        EventType.WAITING_ON_YOU,
        EventType.RESOLVED,
    }
)
AGENT_EVENTS = frozenset(set(EventType) - REQUESTER_EVENTS)


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    IN_APP = "in_app", "In-app"
    TEAMS = "teams", "Microsoft Teams"
    SLACK = "slack", "Slack"


class Timing(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately"
    HOURLY = "hourly", "Hourly digest"
    DAILY = "daily", "Daily digest"


def validate_agent_event(value: str) -> None:
    if value not in AGENT_EVENTS:
        raise ValidationError(f"{value!r} is not an agent event type.")


class NotificationPreference(models.Model):
    """How one agent wants to hear about one event type. Without a row, the defaults apply
    (see notifications.policy.DEFAULT_PLANS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event_type = models.CharField(
        max_length=20, choices=EventType.choices, validators=[validate_agent_event]
    )
    email = models.BooleanField(default=True)
    in_app = models.BooleanField(default=True)
    teams = models.BooleanField(
        default=False, help_text="Post to the Teams channel of the ticket's team."
    )
    slack = models.BooleanField(
        default=False, help_text="Post to the Slack channel of the ticket's team."
    )
    timing = models.CharField(
        max_length=16,
        choices=Timing.choices,
        default=Timing.IMMEDIATE,
        help_text="When e-mail goes out: at once, or gathered in an hourly or daily digest.",
    )

    class Meta:
        ordering = ["user_id", "event_type"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event_type"], name="notifpref_user_event_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.get_event_type_display()}"

    def as_plan(self) -> Plan:
        chosen = {
            Channel.EMAIL: self.email,
            Channel.IN_APP: self.in_app,
            Channel.TEAMS: self.teams,
            Channel.SLACK: self.slack,
        }
        return Plan(
            channels=frozenset(str(name) for name, on in chosen.items() if on),
            timing=self.timing,
        )


class QuietHours(models.Model):
    """A daily window in the agent's time zone (AgentProfile.timezone) without e-mail pings.
    A window may cross midnight (22:00-07:00)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours"
    )
    start = models.TimeField(help_text="Local time the quiet window begins, e.g. 22:00.")
    end = models.TimeField(help_text="Local time it ends, e.g. 07:00.")
    enabled = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "quiet hours"
        constraints = [
            models.CheckConstraint(condition=~Q(start=models.F("end")), name="quiet_start_ne_end")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.start:%H:%M}-{self.end:%H:%M}"


class TeamChannel(models.Model):
    """A team's incoming-webhook URL for Microsoft Teams or Slack."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="chat_channels")
    kind = models.CharField(
        max_length=8, choices=[(Channel.TEAMS, "Microsoft Teams"), (Channel.SLACK, "Slack")]
    )
    webhook_url = models.URLField(max_length=500)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["team__name", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["team", "kind"], name="teamchannel_team_kind_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.team} ({self.get_kind_display()})"


class QueueStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class NotificationQueue(models.Model):
    """One outbound message to one address (or one team channel), and what became of it.

    ``scheduled_for`` is when it may go next: now for immediate messages, the end of quiet
    hours, the end of a digest period, or the next retry after a failure. While a worker sends
    it the row is ``sending`` and ``scheduled_for`` holds the lease's end: a row still sending
    after that is picked up again."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(
        max_length=8,
        choices=[(Channel.EMAIL, "E-mail"), (Channel.TEAMS, "Teams"), (Channel.SLACK, "Slack")],
    )
    timing = models.CharField(max_length=16, choices=Timing.choices, default=Timing.IMMEDIATE)
    event_type = models.CharField(max_length=20, choices=EventType.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="queued_notifications",
    )
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="queued_notifications",
    )
    team_channel = models.ForeignKey(
        TeamChannel, null=True, blank=True, on_delete=models.CASCADE, related_name="queue"
    )
    to_email = models.EmailField(blank=True)
    to_name = models.CharField(max_length=200, blank=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications_queue"
    )
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=QueueStatus.choices, default=QueueStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    scheduled_for = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "queued notification"
        indexes = [
            models.Index(fields=["status", "timing", "scheduled_for"], name="notifq_due_idx"),
            models.Index(fields=["user", "status"], name="notifq_user_status_idx"),
        ]

    def __str__(self) -> str:
        target = self.to_email or (str(self.team_channel) if self.team_channel_id else "?")
        return f"{self.get_event_type_display()} -> {target} ({self.status})"

    @property
    def is_for_requester(self) -> bool:
        return self.contact_id is not None


class Notification(models.Model):
    """An in-app notification: listed at /api/v1/notifications/ and pushed to the browser."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event_type = models.CharField(max_length=20, choices=EventType.choices)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notif_user_unread_idx")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def validate_template_syntax(value: str) -> None:
    try:
        Template(value)
    except TemplateSyntaxError as error:
        raise ValidationError(f"Template error: {error}") from error


class MessageTemplate(models.Model):
    """An admin's wording for one event type, in Django template syntax. Context: ``ticket``,
    ``payload``, ``recipient_name``, ``ticket_url`` and, for ``resolved``, ``csat_url``.
    The e-mail layout (greeting, link, footer; plain text and HTML) wraps the body."""

    event_type = models.CharField(max_length=20, choices=EventType.choices, unique=True)
    subject = models.CharField(max_length=300, validators=[validate_template_syntax])
    body = models.TextField(validators=[validate_template_syntax])
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event_type"]

    def __str__(self) -> str:
        return self.get_event_type_display()


class SatisfactionRating(models.Model):
    """The requester's rating of how their ticket was handled (CSAT), one per ticket."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="satisfaction")
    contact = models.ForeignKey(
        Contact, null=True, on_delete=models.SET_NULL, related_name="satisfaction_ratings"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="csat_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.rating}/5"
