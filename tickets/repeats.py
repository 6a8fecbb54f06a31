"""tickets.RepeatContact: a ticket that came back about an issue another ticket already holds
(re-exported by tickets.models). Written by tickets.actions.repeats only; found by the KB's
similarity measure (kb.repeats) after the new ticket's commit."""

from django.db import models


class RepeatContact(models.Model):
    """``ticket`` is a repeat contact of ``original``, the first ticket on the issue. Every
    repeat points at the original (never at another repeat), so the contacts on one issue are
    the original and its repeats."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="repeat_of"
    )
    original = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="repeat_contacts"
    )
    score = models.FloatField(help_text="The KB's similarity of the two texts, 0-1.")
    matched_by = models.CharField(
        max_length=16, choices=[("requester", "Requester"), ("company", "Company")]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["original", "created_at"], name="repeat_original_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(ticket=models.F("original")), name="repeat_not_itself"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} repeats {self.original_id}"
