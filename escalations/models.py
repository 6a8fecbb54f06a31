"""Envelopes: expert sub-cases that bring a team or an agent into a ticket without taking it.

The owner never changes. Several envelopes may run in parallel on one ticket; while any is
pending or active the ticket is ``escalated``. Each envelope has its own thread: the
``tickets.TimelineEntry`` rows whose ``envelope`` is this one (visibility ``envelope_only``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.display import display_name
from escalations.lifecycle import EnvelopeStatus
from org.models import Team
from routing.models import RoutingRule
from tickets.models import Ticket


class Envelope(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="envelopes")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="requested_envelopes",
        help_text="The ticket's owner who opened it.",
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="envelopes"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="named_envelopes",
        help_text="The expert asked for by name, if any.",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="held_envelopes",
        editable=False,
        help_text="The expert who accepted it.",
    )
    reason = models.TextField()
    status = models.CharField(
        max_length=16,
        choices=EnvelopeStatus.choices,
        default=EnvelopeStatus.PENDING,
        editable=False,
    )
    summary = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it was completed or cancelled."
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=False) | Q(agent__isnull=False),
                name="envelope_team_or_agent",
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="envelope_status_age_idx"),
            models.Index(fields=["ticket", "status"], name="envelope_ticket_status_idx"),
            models.Index(fields=["team", "status"], name="envelope_team_status_idx"),
            models.Index(fields=["assigned_to", "status"], name="envelope_holder_status_idx"),
            models.Index(fields=["agent", "status"], name="envelope_agent_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Envelope for {self.target_label} on {self.ticket_id} ({self.status})"

    @property
    def target_label(self) -> str:
        parts = []
        if self.team_id:
            parts.append(self.team.name)
        if self.agent_id:
            parts.append(display_name(self.agent))
        return " / ".join(parts) or "nobody"

    @property
    def is_open(self) -> bool:
        return self.status in (EnvelopeStatus.PENDING, EnvelopeStatus.ACTIVE)


class EscalationRuleFiring(models.Model):
    """A rule of event ``escalation.age_exceeded`` has fired for an envelope: it never fires
    again for that envelope (the unique constraint holds even for concurrent beat runs)."""

    rule = models.ForeignKey(RoutingRule, on_delete=models.CASCADE, related_name="firings")
    envelope = models.ForeignKey(Envelope, on_delete=models.CASCADE, related_name="firings")
    fired_at = models.DateTimeField(auto_now_add=True)
    actions = models.JSONField(default=list, blank=True, help_text="The actions applied.")

    class Meta:
        ordering = ["-fired_at"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "envelope"], name="firing_rule_envelope_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.rule} fired for {self.envelope_id}"
