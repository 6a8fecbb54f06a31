"""SLA policies, business calendars, per-ticket clocks with their pause intervals, the record
of every warning/breach crossing, and agents' reminders. Arithmetic lives in the pure modules
(sla.calendar, sla.clocks, sla.matching, sla.scoring, sla.recurrence); writes in sla.actions."""

import uuid
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.validators import validate_timezone
from sla import calendar as cal
from sla import recurrence
from sla.clocks import CROSSING_KINDS, Interval, State
from tickets.models import Priority, Ticket, TicketType, Tier

# --- calendars -------------------------------------------------------------------------------


class BusinessCalendar(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    always_open = models.BooleanField(
        default=False, help_text="24x7: every minute counts; working hours and holidays ignored."
    )
    holiday_country = models.CharField(
        max_length=3, blank=True, help_text="ISO code for public holidays, e.g. GB, US, DE."
    )
    holiday_subdivision = models.CharField(
        max_length=10, blank=True, help_text="Region within the country, e.g. ENG, CA, BY."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.holiday_country:
            try:
                cal.holiday_dates(self.holiday_country, self.holiday_subdivision, 2000)
            except cal.CalendarError as error:
                raise ValidationError({"holiday_country": str(error)}) from error

    def as_calendar(self) -> cal.Calendar:
        """The pure calendar (reads ``hours`` and ``closed_dates``: prefetch them in lists)."""
        hours: dict[int, list[tuple[int, int]]] = {}
        for row in self.hours.all():
            hours.setdefault(row.weekday, []).append(row.window)
        return cal.Calendar(
            timezone=self.timezone,
            hours={day: tuple(windows) for day, windows in hours.items()},
            always_open=self.always_open,
            holiday_country=self.holiday_country,
            holiday_subdivision=self.holiday_subdivision,
            closed_dates=frozenset(row.date for row in self.closed_dates.all()),
        )


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


class WorkingHours(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField(help_text="Local time; 00:00 means midnight at the end of the day.")

    class Meta:
        ordering = ["calendar", "weekday", "starts"]
        verbose_name_plural = "working hours"

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"

    @property
    def window(self) -> tuple[int, int]:
        end = _minutes(self.ends) or cal.MINUTES_PER_DAY
        return _minutes(self.starts), end

    def clean(self) -> None:
        if self.starts is not None and self.ends is not None:
            start, end = self.window
            if end <= start:
                raise ValidationError({"ends": "The window must end after it starts."})


class CalendarDate(models.Model):
    """A custom closed day (company holiday, office move) on top of the public holidays."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="closed_dates"
    )
    date = models.DateField()
    name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_caldate_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}".strip()


# --- policies --------------------------------------------------------------------------------


ESCALATION_THRESHOLDS = ("warning", "breach")
ESCALATION_TARGETS = ("owner", "team", "managers")


def validate_escalation_actions(value) -> None:
    """``[{"at": "warning"|"breach", "notify": ["owner", "team", "managers"]}, ...]``."""
    if not isinstance(value, list):
        raise ValidationError("Must be a list of {at, notify} objects.")
    for action in value:
        if not isinstance(action, dict) or set(action) != {"at", "notify"}:
            raise ValidationError("Each action is an object with exactly 'at' and 'notify'.")
        if action["at"] not in ESCALATION_THRESHOLDS:
            raise ValidationError(f"'at' must be one of {', '.join(ESCALATION_THRESHOLDS)}.")
        notify = action["notify"]
        if not isinstance(notify, list) or not set(notify) <= set(ESCALATION_TARGETS):
            raise ValidationError(f"'notify' is a list of {', '.join(ESCALATION_TARGETS)}.")


def default_escalation_actions() -> list:
    return [
        {"at": "warning", "notify": ["owner"]},
        {"at": "breach", "notify": ["owner", "managers"]},
    ]


class SLAPolicy(models.Model):
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    is_default = models.BooleanField(
        default=False, help_text="Applies when no other active policy matches. Exactly one."
    )
    # Matching: an empty criterion matches anything; the most specific active policy wins.
    priority = models.CharField(max_length=16, choices=Priority.choices, blank=True)
    type = models.CharField(max_length=16, choices=TicketType.choices, blank=True)
    tier = models.CharField(max_length=16, choices=Tier.choices, blank=True)
    category = models.CharField(max_length=100, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, related_name="policies"
    )
    first_response_minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text="Business minutes to the first response."
    )
    resolution_minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text="Business minutes to resolution."
    )
    warning_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text="Warn when this share of a target has elapsed...",
    )
    warning_lead_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="...or this many business minutes before the breach (wins when set).",
    )
    pause_on_escalation = models.BooleanField(
        default=False, help_text="The clock stops while the ticket is escalated."
    )
    escalation_actions = models.JSONField(
        default=default_escalation_actions,
        blank=True,
        validators=[validate_escalation_actions],
        help_text='Who is told at each threshold: [{"at": "warning", "notify": ["owner"]}, '
        '{"at": "breach", "notify": ["owner", "managers"]}]. "team" is the ticket\'s team.',
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="sla_one_default_policy"
            ),
            models.CheckConstraint(
                condition=~Q(is_default=True, is_active=False), name="sla_default_is_active"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.is_default and not self.is_active:
            raise ValidationError({"is_active": "The default policy cannot be deactivated."})
        if self.warning_percent is None and not self.warning_lead_minutes:
            raise ValidationError({"warning_percent": "Set a warning percentage or lead time."})


# --- per-ticket clocks -----------------------------------------------------------------------


class SLAClock(models.Model):
    """The SLA clocks of one ticket. The due instants are derived from ``started_at``, the
    pause intervals and the policy's targets in its calendar (sla.clocks.milestones); a due
    instant is empty while it lies beyond a pause that has not ended."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="sla_clock")
    policy = models.ForeignKey(SLAPolicy, on_delete=models.PROTECT, related_name="clocks")
    tier = models.CharField(max_length=16, choices=Tier.choices, default=Tier.STANDARD)
    upgraded = models.BooleanField(default=False)  # the next stricter policy (sla.policies)
    started_at = models.DateTimeField()
    first_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()
    first_response_half_at = models.DateTimeField(null=True, blank=True)
    first_response_warn_at = models.DateTimeField(null=True, blank=True)
    first_response_due = models.DateTimeField(null=True, blank=True)
    first_response_met_at = models.DateTimeField(null=True, blank=True)
    resolution_half_at = models.DateTimeField(null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    resolution_met_at = models.DateTimeField(null=True, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    crossed = models.JSONField(default=list, blank=True, help_text="Crossing kinds recorded.")
    state = models.CharField(
        max_length=10, choices=[(s, s) for s in State.CHOICES], default=State.OK
    )
    last_activity_at = models.DateTimeField()
    next_check_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "SLA clock"
        indexes = [
            models.Index(
                fields=["next_check_at"],
                condition=Q(next_check_at__isnull=False),
                name="sla_clock_next_check_idx",
            ),
            models.Index(fields=["state"], name="sla_clock_state_idx"),
            # The open tickets' clocks by state, counted from the index (the KPI snapshot);
            # and the clocks started in a window with their ticket and state (analytics).
            models.Index(
                fields=["state"],
                include=["ticket"],
                condition=Q(resolution_met_at__isnull=True),
                name="sla_clock_open_state_idx",
            ),
            models.Index(
                fields=["started_at"], include=["ticket", "state"], name="sla_clock_started_idx"
            ),
            models.Index(fields=["first_response_due"], name="sla_clock_fr_due_idx"),
            models.Index(fields=["resolution_due"], name="sla_clock_res_due_idx"),
        ]

    def __str__(self) -> str:
        return f"SLA of {self.ticket_id} ({self.state})"

    @property
    def is_paused(self) -> bool:
        """Paused while the ticket is open (a resolved ticket's clock is stopped, not paused)."""
        return self.paused_since is not None and self.resolution_met_at is None


class PauseReason(models.TextChoices):
    WAITING = "waiting", "Waiting on the requester"
    ESCALATION = "escalation", "Escalated (policy pauses)"
    RESOLVED = "resolved", "Resolved"


class SLAPause(models.Model):
    """One interval during which the clock stood still; kept so the history can be audited
    and the due instants replayed after a policy or calendar change."""

    clock = models.ForeignKey(SLAClock, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=16, choices=PauseReason.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]
        verbose_name = "SLA pause"
        indexes = [models.Index(fields=["clock", "started_at"], name="sla_pause_clock_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["clock"], condition=Q(ended_at__isnull=True), name="sla_one_open_pause"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} from {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def interval(self) -> Interval:
        return Interval(start=self.started_at, end=self.ended_at)


class SLACrossing(models.Model):
    """A warning or breach crossing, recorded once per ticket and kind."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_crossings")
    clock = models.ForeignKey(SLAClock, on_delete=models.CASCADE, related_name="crossings")
    policy = models.ForeignKey(SLAPolicy, on_delete=models.PROTECT, related_name="crossings")
    kind = models.CharField(max_length=32, choices=[(k, k) for k in CROSSING_KINDS])
    threshold_at = models.DateTimeField(help_text="The warning or due instant that was crossed.")
    recorded_at = models.DateTimeField()
    token = models.UUIDField(help_text="The recording run: tells its own rows from others'.")

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = "SLA crossing"
        constraints = [models.UniqueConstraint(fields=["ticket", "kind"], name="sla_crossing_once")]
        indexes = [
            models.Index(fields=["token"], name="sla_crossing_token_idx"),
            models.Index(fields=["recorded_at"], name="sla_crossing_recorded_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.ticket_id}"

    @property
    def is_breach(self) -> bool:
        return self.kind.endswith("breach")


# --- reminders -------------------------------------------------------------------------------


class Reminder(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        FIRED = "fired", "Fired (waiting to be completed)"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", "Follow-up"
        SLA_WARNING = "sla_warning", "SLA warning"

    class Frequency(models.TextChoices):
        NONE = recurrence.NONE, "Once"
        DAILY = recurrence.DAILY, "Daily"
        WEEKLY = recurrence.WEEKLY, "Weekly"
        MONTHLY = recurrence.MONTHLY, "Monthly"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.FOLLOW_UP)
    message = models.CharField(max_length=500)
    trigger_at = models.DateTimeField(help_text="When it fires next.")
    first_trigger_at = models.DateTimeField(help_text="The series' first occurrence.")
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.NONE)
    interval = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    until = models.DateTimeField(null=True, blank=True, help_text="End of a recurring series.")
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    fire_count = models.PositiveIntegerField(default=0)
    last_fired_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["trigger_at"]
        indexes = [
            models.Index(fields=["status", "trigger_at"], name="reminder_due_idx"),
            models.Index(fields=["user", "status", "trigger_at"], name="reminder_user_idx"),
        ]

    def __str__(self) -> str:
        return self.message[:60]
