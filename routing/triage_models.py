"""What semantic triage keeps: the profile of each category (the team's own profile lives on
org.Team), the embedded vectors of the team and category profiles with what the team learned
from its resolved and transferred tickets, and one lesson per ticket. Written only by
routing.actions.triage_profiles and routing.actions.triage_learning."""

from django.db import models

from core.validators import validate_string_list
from org.models import Team


class CategoryProfile(models.Model):
    """What a category means, in words routing can compare tickets with."""

    category = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    examples = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_string_list],
        help_text="A few typical ticket titles of this category, one per line.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category"]

    def __str__(self) -> str:
        return self.category

    def save(self, *args, **kwargs) -> None:
        self.category = self.category.strip().lower()
        super().save(*args, **kwargs)


class TriageVector(models.Model):
    """A team's or a category's embedded profile (unit float32 vector, as bytes) under one
    provider, and for a team the sum and count of the vectors of the tickets it learned from
    (their centroid is ``learned_sum / learned_count``)."""

    class Kind(models.TextChoices):
        TEAM = "team", "Team"
        CATEGORY = "category", "Category"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="triage_vectors"
    )
    category = models.CharField(max_length=100, blank=True)
    provider = models.CharField(max_length=40)
    profile = models.BinaryField()
    learned_sum = models.BinaryField(null=True, blank=True)
    learned_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "team"],
                condition=models.Q(kind="team"),
                name="triagevector_team_uniq",
            ),
            models.UniqueConstraint(
                fields=["provider", "category"],
                condition=models.Q(kind="category"),
                name="triagevector_category_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.team_id or self.category} ({self.provider})"


class TriageLesson(models.Model):
    """What one ticket taught: its vector, counted in ``team``'s learned centroid. A ticket
    teaches once; when it moves on (transferred again, resolved elsewhere) its lesson moves
    to the new team."""

    class Reason(models.TextChoices):
        RESOLVED = "resolved", "Resolved"
        TRANSFERRED = "transferred", "Transferred"

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="triage_lesson"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="triage_lessons")
    provider = models.CharField(max_length=40)
    vector = models.BinaryField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    learned_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-learned_at"]
        indexes = [models.Index(fields=["team", "provider"], name="triagelesson_team_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} -> {self.team_id} ({self.reason})"
