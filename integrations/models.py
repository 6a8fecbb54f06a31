"""Integration keys and source settings (inbound), handler endpoints and their deliveries
(outbound), mailboxes and the e-mails taken from them."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

KEY_PREFIX_LENGTH = 8


def hash_key(raw_key: str) -> str:
    # Keys are 256-bit random strings, so a plain SHA-256 is safe and keeps lookups fast.
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKey(models.Model):
    """A key for one source. Only its SHA-256 is stored; the key is shown once at creation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    source = models.SlugField(max_length=40, help_text="The X-Source-ID this key may send as.")
    prefix = models.CharField(max_length=KEY_PREFIX_LENGTH, unique=True, editable=False)
    hashed_key = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(default=True)
    rate_per_minute = models.PositiveIntegerField(
        default=600, help_text="Requests per minute before 429."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["source", "name"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.source}, {self.prefix}…)"

    @staticmethod
    def generate() -> tuple[str, str]:
        """A new (prefix, raw key) pair; the raw key is `<prefix>.<secret>`."""
        prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
        return prefix, f"{prefix}.{secrets.token_urlsafe(32)}"


class SourceConfig(models.Model):
    """Per-source settings: the HMAC signing secret and whether a signature is required.
    The secret is kept usable (HMAC needs it) and never shown back in the admin."""

    source = models.SlugField(max_length=40, unique=True)
    signing_secret = models.CharField(max_length=200, blank=True)
    require_signature = models.BooleanField(
        default=False, help_text="Refuse deliveries without a valid X-Signature."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source"]
        verbose_name = "source configuration"

    def __str__(self) -> str:
        return self.source


class IdempotencyRecord(models.Model):
    """One Idempotency-Key of one source, with the hash of the body it came with. Kept at
    least 24 h (INTEGRATIONS_IDEMPOTENCY_HOURS), then purged by a periodic task."""

    source = models.SlugField(max_length=40)
    key = models.CharField(max_length=200)
    body_sha256 = models.CharField(max_length=64)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="idempotency_source_key_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.key}"


class WebhookDelivery(models.Model):
    """Every webhook delivery, accepted or refused, and why (refusals have no ticket)."""

    class Outcome(models.TextChoices):
        CREATED = "created", "Created"
        DUPLICATE = "duplicate", "Duplicate"
        UPDATED = "updated", "Updated"
        REFUSED = "refused", "Refused"

    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    source = models.CharField(max_length=40, blank=True)
    key_prefix = models.CharField(max_length=KEY_PREFIX_LENGTH, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    status_code = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    body_sha256 = models.CharField(max_length=64, blank=True)
    remote_addr = models.CharField(max_length=64, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["source", "received_at"], name="webhook_source_idx")]

    def __str__(self) -> str:
        return f"{self.source or '?'} {self.status_code} {self.outcome}"


class ImportedComment(models.Model):
    """A source's comment already written to a ticket's timeline: retries never repeat it."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128, help_text="The source's comment id, or a hash.")
    entry = models.ForeignKey(
        "tickets.TimelineEntry", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "key"], name="imported_comment_uniq")
        ]

    def __str__(self) -> str:
        return self.key


class HandlerEndpoint(models.Model):
    """Where a handler plugin sends decisions. Credentials are write-only in the admin."""

    class Auth(models.TextChoices):
        NONE = "none", "None"
        BASIC = "basic", "Basic (user + password / API token)"
        BEARER = "bearer", "Bearer token (OAuth)"

    name = models.CharField(max_length=120, unique=True)
    handler = models.SlugField(
        max_length=40, help_text="A handler plugin name from INTEGRATION_HANDLERS."
    )
    url = models.URLField(max_length=500, help_text="Base URL (servicenow, jira) or target URL.")
    enabled = models.BooleanField(default=True)
    sources = models.JSONField(
        default=list,
        blank=True,
        help_text="Only decisions for tickets of these sources; empty: all.",
    )
    auth_method = models.CharField(max_length=8, choices=Auth.choices, default=Auth.NONE)
    username = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=500, blank=True, help_text="Password or token.")
    signing_secret = models.CharField(max_length=200, blank=True)
    options = models.JSONField(default=dict, blank=True, help_text="Plugin options (mappings).")
    timeout_seconds = models.FloatField(default=10.0)
    max_attempts = models.PositiveSmallIntegerField(default=6)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.handler})"


class OutboundDelivery(models.Model):
    """One decision to one endpoint: attempts with exponential backoff and jitter, then
    delivered, or dead (the dead letter, retried from the admin)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        DEAD = "dead", "Dead letter"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    decision = models.ForeignKey(
        "routing.AllocationDecision", on_delete=models.CASCADE, related_name="outbound_deliveries"
    )
    endpoint = models.ForeignKey(
        HandlerEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    leased_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "outbound deliveries"
        constraints = [
            models.UniqueConstraint(fields=["decision", "endpoint"], name="outbound_once_uniq")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbound_due_idx")]

    def __str__(self) -> str:
        return f"{self.endpoint_id} {self.status} ({self.attempts})"


class DeadLetter(OutboundDelivery):
    """The admin's view of deliveries that gave up."""

    class Meta:
        proxy = True
        verbose_name = "dead letter"


class Mailbox(models.Model):
    """An IMAP mailbox polled for new mail (Celery beat, integrations.poll_mailboxes)."""

    name = models.CharField(max_length=120, unique=True)
    host = models.CharField(max_length=200)
    port = models.PositiveIntegerField(default=993)
    use_ssl = models.BooleanField(
        default=True, help_text="IMAPS; off: plain IMAP (then STARTTLS if offered)."
    )
    username = models.CharField(max_length=200)
    password = models.CharField(max_length=500, blank=True)
    folder = models.CharField(max_length=200, default="INBOX")
    enabled = models.BooleanField(default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return self.name


class InboundEmail(models.Model):
    """Each Message-ID taken once; what became of it."""

    class Outcome(models.TextChoices):
        CREATED = "created", "New ticket"
        THREADED = "threaded", "Added to a ticket"
        IGNORED = "ignored", "Ignored (auto-reply, bounce, loop)"

    message_key = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the Message-ID."
    )
    message_id = models.TextField()
    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL)
    from_address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "inbound e-mail"

    def __str__(self) -> str:
        return f"{self.outcome}: {self.subject}"
