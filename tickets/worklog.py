"""tickets.TimeSpent, the minutes an agent logged with a reply or note (re-exported by
tickets.models). A table of its own rather than a column of the timeline: it keeps the team the
ticket was with when the work was done, so a later transfer does not move the time."""

from django.conf import settings
from django.db import models
from django.db.models import Q

MAX_MINUTES = 24 * 60  # one entry logs at most a day of work


class TimeSpent(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="time_spent"
    )
    entry = models.OneToOneField(
        "tickets.TimelineEntry", on_delete=models.CASCADE, related_name="time_spent"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_spent"
    )
    team = models.ForeignKey(
        "org.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The ticket's team when the time was logged.",
    )
    minutes = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "time spent"
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=MAX_MINUTES),
                name="timespent_minutes_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min on {self.ticket_id}"
