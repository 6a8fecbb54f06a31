"""The kernel's tables: the audit log, and the event outbox with its receipts (core.events)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AuditLogIsAppendOnly(Exception):
    pass


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("Audit log rows are never changed.")

    def delete(self):
        raise AuditLogIsAppendOnly("Audit log rows are never deleted.")


class AuditLog(models.Model):
    """Who did what to which object, when. Rows are only ever added: the ticket is kept by its
    id (not a foreign key), so a row outlives its ticket unchanged."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    action = models.CharField(max_length=64, db_index=True)
    ticket_id = models.UUIDField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("Audit log rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("Audit log rows are never deleted.")


class OutboxEvent(models.Model):
    """A domain event: written in the transaction of the change it describes (so it exists
    exactly when the change does), delivered to every subscriber after the commit, in order
    within its stream (a stream is one ticket's history)."""

    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=64)
    stream = models.CharField(max_length=80)
    data = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(
        null=True, blank=True, help_text="When every subscriber had handled it."
    )
    partial_drains = models.PositiveIntegerField(
        default=0,
        help_text="Drains that left it incomplete (a subscriber failed, or waits on an earlier "
        "event of its stream); its receipts say who is done.",
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["stream", "id"],
                condition=Q(dispatched_at__isnull=True),
                name="outbox_pending_stream_idx",
            ),
            models.Index(
                fields=["occurred_at"],
                condition=Q(dispatched_at__isnull=True),
                name="outbox_pending_age_idx",
            ),
            models.Index(fields=["dispatched_at"], name="outbox_dispatched_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name} on {self.stream}"


class EventReceipt(models.Model):
    """What one subscriber made of one event, kept only while the event is not dispatched
    (a subscriber failed): ``done`` ones are not run again, ``retry`` ones wait for their
    next attempt, ``dead`` ones gave up after the last attempt (and are logged)."""

    class Status(models.TextChoices):
        DONE = "done", "Done"
        RETRY = "retry", "Waiting to retry"
        DEAD = "dead", "Gave up"

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="receipts")
    subscriber = models.CharField(max_length=100)
    status = models.CharField(max_length=8, choices=Status.choices)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event_id", "subscriber"]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="receipt_event_subscriber")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="retry"),
                name="receipt_retry_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} on #{self.event_id}: {self.status}"


class ConfigVersion(models.Model):
    """The version token of a configuration memo (core.memo), where processes share no cache:
    a process that commits a configuration change writes a new token, and every other process
    reads it at most ``CONFIG_MEMO_CHECK_SECONDS`` later and reloads."""

    key = models.CharField(max_length=100, primary_key=True)
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.key}: {self.token}"


class ConfigChangeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("Configuration history rows are never changed.")

    def delete(self):
        raise AuditLogIsAppendOnly("Configuration history rows are never deleted.")


class ConfigChange(models.Model):
    """One change to a piece of configuration (a routing rule, a set of weights, a team, an SLA
    policy...): who made it, when, and the object as a JSON snapshot before and after (null:
    it did not exist). Written only by core.config_history, in the transaction of the change;
    never changed or deleted, so any earlier state can be rebuilt and restored."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="config_changes",
    )
    object_type = models.CharField(max_length=100, help_text="app_label.model_name")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    objects = ConfigChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "id"], name="configchange_object_idx"),
            models.Index(fields=["object_type", "id"], name="configchange_type_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.object_type} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("Configuration history rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("Configuration history rows are never deleted.")
