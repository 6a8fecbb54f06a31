"""Tickets and what hangs off them: requesters, timeline, tasks, flags and attachments."""

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from org.models import Team
from tickets.documents import SearchDocument
from tickets.guards import OwnerChangeRefused, owner_write_is_allowed
from tickets.indexes import LIST_INDEXES
from tickets.kinds import REFERENCE_PREFIX, Priority, TicketType  # noqa: F401
from tickets.lifecycle import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    InvalidTransition,
    TaskStatus,
    TicketStatus,
    can_transition,
)
from tickets.requesters import Company, CompanyDomain, Contact, Tier  # noqa: F401


class ReferenceCounter(models.Model):
    """Last reference number handed out per prefix and year, on SQLite (row-locked while
    incremented). PostgreSQL uses a sequence per prefix and year instead (tickets.references);
    a row left here by an earlier version is where that sequence starts."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="refcounter_prefix_year_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_value}"


class TicketQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if ("owner" in kwargs or "owner_id" in kwargs) and not owner_write_is_allowed():
            raise OwnerChangeRefused(
                "The owner changes only through accept_ticket or transfer_ownership."
            )
        if "status" in kwargs:
            raise InvalidTransition("(bulk)", kwargs["status"])
        return super().update(**kwargs)

    def open(self):
        # Named by inclusion (not "not closed"): the open-queue partial index matches it.
        return self.filter(status__in=OPEN_STATUSES)


class Ticket(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=32, unique=True, editable=False)
    type = models.CharField(max_length=16, choices=TicketType.choices, default=TicketType.INCIDENT)
    status = models.CharField(
        max_length=16, choices=TicketStatus.choices, default=TicketStatus.NEW, editable=False
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=100, blank=True)
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.MEDIUM)
    urgency = models.CharField(max_length=2, blank=True)
    impact = models.CharField(max_length=2, blank=True)
    priority_score = models.FloatField(default=0.0, editable=False)
    sla_pressure = models.FloatField(
        default=1.0,
        editable=False,
        help_text="How hard the SLA clock presses (SLA app); a factor of the priority score.",
    )
    # The SLA clock's resolution due time until it stops (sla.timing.running_due; None without
    # one), kept by tickets.actions.scores: the list orders by it from an index of its own.
    sla_due = models.DateTimeField(null=True, blank=True, editable=False)
    vip_flagged = models.BooleanField(default=False, editable=False)  # tickets.actions.flags
    source = models.CharField(max_length=40, default="web")
    external_id = models.CharField(max_length=200, blank=True)
    external_metadata = models.JSONField(default=dict, blank=True)
    requester = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="tickets")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_tickets",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution = models.TextField(blank=True, editable=False)
    # Kept by the database (tickets.documents); read by tickets.search only. On PostgreSQL the
    # table also has ``public_words`` and ``internal_words``, the words of the ticket's public
    # and internal timeline entries, kept by a trigger on the timeline (migration
    # search_vectors) and deliberately not fields: save() must never write them back.
    search_vector = models.GeneratedField(
        expression=SearchDocument("title", "description"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-priority_score", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="ticket_source_external_id_uniq",
            )
        ]
        indexes = [
            *LIST_INDEXES,
            models.Index(fields=["team", "status"], name="ticket_team_status_idx"),
            models.Index(fields=["owner", "status"], name="ticket_owner_status_idx"),
            models.Index(fields=["priority"], name="ticket_priority_idx"),
            models.Index(fields=["type"], name="ticket_type_idx"),
            models.Index(fields=["category"], name="ticket_category_idx"),
            models.Index(fields=["source"], name="ticket_source_idx"),
            # Covering: analytics count the tickets created in a window per team and resolved
            # from the index alone (dashboard.analytics).
            models.Index(
                fields=["created_at"],
                include=["id", "team", "resolved_at"],
                name="ticket_created_idx",
            ),
            models.Index(
                fields=["resolved_at"],
                condition=Q(resolved_at__isnull=False),
                name="ticket_resolved_idx",
            ),
            # The open tickets with what the KPI snapshot groups them by: counted from the index.
            models.Index(
                fields=["status", "priority", "team", "created_at"],
                include=["id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_open_kpi_idx",
            ),
            models.Index(fields=["requester", "created_at"], name="ticket_requester_idx"),
            # PostgreSQL only (migration search_vectors): words, and reference fragments
            # ("000023") by trigram under the UPPER() that icontains compares.
            GinIndex(fields=["search_vector"], name="ticket_search_gin"),
            GinIndex(
                OpClass(Upper("reference"), name="gin_trgm_ops"), name="ticket_reference_trgm"
            ),
            # Fragments of titles ("netw", "printe"), by trigram (migration title_trigram).
            GinIndex(OpClass(Upper("title"), name="gin_trgm_ops"), name="ticket_title_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args, **kwargs) -> None:
        self._check_guarded_fields()
        super().save(*args, **kwargs)
        self.after_insert()

    # What save() does around the write, for a new row written by core.inserts.together().
    def before_insert(self) -> None:
        self._check_guarded_fields()

    def after_insert(self) -> None:
        self._loaded = {"owner_id": self.owner_id, "status": self.status}

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remember what the database holds, so save() can tell what this write changes.
        loaded = dict(zip(field_names, values, strict=True))
        instance._loaded = {name: loaded[name] for name in ("owner_id", "status") if name in loaded}
        return instance

    def _check_guarded_fields(self) -> None:
        if self.status != TicketStatus.NEW and self.owner_id is None:
            raise OwnerChangeRefused("A ticket leaves 'new' only by being accepted by an owner.")
        loaded = getattr(self, "_loaded", None)
        if loaded is None:  # a new row: it starts without an owner, in status new
            if self.owner_id is not None and not owner_write_is_allowed():
                raise OwnerChangeRefused("A ticket is created without an owner; accept it.")
            return
        if (
            "owner_id" in loaded
            and loaded["owner_id"] != self.owner_id
            and not owner_write_is_allowed()
        ):
            raise OwnerChangeRefused(
                "The owner changes only through accept_ticket or transfer_ownership."
            )
        if (
            "status" in loaded
            and loaded["status"] != self.status
            and not can_transition(loaded["status"], self.status)
        ):
            raise InvalidTransition(loaded["status"], self.status)

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


class TimelineEntry(models.Model):
    class Type(models.TextChoices):
        EMAIL = "email", "E-mail"
        NOTE = "note", "Note"
        SYSTEM = "system", "System"
        ENVELOPE_REQUEST = "envelope_request", "Envelope request"
        TASK = "task", "Task"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        INTERNAL = "internal", "Internal"
        ENVELOPE_ONLY = "envelope_only", "Envelope only"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="timeline")
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.NOTE)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="timeline_entries",
    )
    author_contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="timeline_entries",
        help_text="The requester who wrote it, for entries that arrive without a login (e-mail).",
    )
    envelope = models.ForeignKey(
        "escalations.Envelope",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="entries",
        help_text="Set on the entries of an envelope's thread (visibility envelope_only).",
    )
    content = models.TextField()
    markdown = models.BooleanField(default=False, help_text="Shown as sanitised Markdown.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "timeline entries"
        indexes = [
            models.Index(fields=["ticket", "visibility", "created_at"], name="timeline_vis_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.visibility}) on {self.ticket_id}"


class Task(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tasks",
    )
    envelope = models.ForeignKey(
        "escalations.Envelope",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    status = models.CharField(
        max_length=16, choices=TaskStatus.choices, default=TaskStatus.TODO, editable=False
    )
    due_date = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_tasks",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_date", "created_at"]
        indexes = [
            models.Index(fields=["assigned_to", "status"], name="task_assignee_status_idx"),
            models.Index(fields=["status", "due_date"], name="task_status_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class CaseFlag(models.Model):
    class Kind(models.TextChoices):
        PHYSICAL_DAMAGE = "physical_damage", "Physical damage"
        SOCIAL_MEDIA = "social_media", "Social media exposure"
        VIP = "vip", "VIP"
        LEGAL = "legal", "Legal"
        REPEAT_CONTACT = "repeat_contact", "Repeat contact"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind"], name="caseflag_ticket_kind_uniq")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name is ours (a UUID), never the uploader's: no path tricks, no clashes.
    return f"attachments/{instance.ticket_id}/{instance.id}"


class Attachment(models.Model):
    """A file on a ticket. Served only through the download view, which checks visibility."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    visibility = models.CharField(
        max_length=16,
        choices=[
            (TimelineEntry.Visibility.PUBLIC, "Public"),
            (TimelineEntry.Visibility.INTERNAL, "Internal"),
        ],
        default=TimelineEntry.Visibility.PUBLIC,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["ticket", "visibility"], name="attachment_vis_idx")]

    def __str__(self) -> str:
        return self.filename


# Defined apart to keep this module short; imported here so Django finds it.
from tickets.repeats import RepeatContact  # noqa: E402, F401
from tickets.team_load import TeamLoad, TeamLoadTotal  # noqa: E402, F401
from tickets.worklog import TimeSpent  # noqa: E402, F401
