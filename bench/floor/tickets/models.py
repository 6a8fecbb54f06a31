"""The floor's one model: a ticket as a plain row."""

from django.db import models


class Ticket(models.Model):
    class Status(models.TextChoices):
        NEW = "new"
        IN_PROGRESS = "in_progress"
        WAITING = "waiting"
        ESCALATED = "escalated"
        RESOLVED = "resolved"
        CLOSED = "closed"

    class Priority(models.TextChoices):
        CRITICAL = "critical"
        HIGH = "high"
        MEDIUM = "medium"
        LOW = "low"

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.MEDIUM)
    requester_email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        # The list's ordering, and the one filter the benchmark uses with that ordering.
        indexes = [
            models.Index(fields=["-created_at"], name="floor_created_idx"),
            models.Index(fields=["status", "-created_at"], name="floor_status_created_idx"),
        ]

    def __str__(self) -> str:
        return self.title
