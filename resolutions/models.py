"""Resolutions (what a ticket's requester was given, and why), the empowerment limits per team
that decide who must approve them, the approval requests, and the weekly calibration queue.

Written only by resolutions.actions."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from org.models import Team
from resolutions import tiers
from resolutions.money import MAX_DIGITS, MAX_PLACES, validate_currency
from tickets.models import Ticket

USER = settings.AUTH_USER_MODEL


def _money(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=MAX_DIGITS, decimal_places=MAX_PLACES, **kwargs)


class EmpowermentConfig(models.Model):
    """A team's limits: up to ``tier1_limit`` its agents decide alone, up to ``tier2_limit``
    a lead of the team approves, above it a manager decides."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="empowerment")
    tier1_limit = _money(validators=[MinValueValidator(0)], help_text="Agents decide alone.")
    tier2_limit = _money(validators=[MinValueValidator(0)], help_text="A team lead approves.")
    currency = models.CharField(max_length=3, validators=[validate_currency], default="EUR")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tier1_limit__gte=0) & Q(tier2_limit__gte=models.F("tier1_limit")),
                name="empowerment_limits_ordered",
                violation_error_message="The tier-2 limit must be at least the tier-1 limit.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.tier1_limit} / {self.tier2_limit} {self.currency}"

    @property
    def limits(self) -> tiers.Limits:
        return tiers.Limits(self.tier1_limit, self.tier2_limit, self.currency)


class WhatWentWrong(models.TextChoices):
    PRODUCT_DEFECT = "product_defect", "Product defect"
    DAMAGED_IN_TRANSIT = "damaged_in_transit", "Damaged in transit"
    DELIVERY_PROBLEM = "delivery_problem", "Late or missing delivery"
    SERVICE_OUTAGE = "service_outage", "Service outage"
    BILLING_ERROR = "billing_error", "Billing error"
    POOR_SERVICE = "poor_service", "Poor service"
    OTHER = "other", "Other"


class WhyEligible(models.TextChoices):
    WARRANTY = "warranty", "Under warranty"
    SLA_BREACHED = "sla_breached", "SLA breached"
    POLICY = "policy", "Entitled by policy"
    REPEAT_ISSUE = "repeat_issue", "Repeat issue"
    CUSTOMER_TIER = "customer_tier", "Customer tier"
    GOODWILL = "goodwill", "Goodwill"
    OTHER = "other", "Other"


class ResolutionType(models.TextChoices):
    REFUND = "refund", "Refund"
    CREDIT = "credit", "Credit"
    REPLACEMENT = "replacement", "Replacement"
    SERVICE_EXTENSION = "service_extension", "Service extension"
    APOLOGY = "apology", "Apology"
    OTHER = "other", "Other"


class Tier(models.TextChoices):
    AGENT = tiers.AGENT, "Agent (tier 1)"
    TEAM_LEAD = tiers.TEAM_LEAD, "Team lead (tier 2)"
    MANAGER = tiers.MANAGER, "Manager (tier 3)"


class ResolutionStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    PENDING_APPROVAL = "pending_approval", "Pending approval"
    REJECTED = "rejected", "Rejected"


class Resolution(models.Model):
    """What the requester is given. Counts (in totals, the report, calibration) only once
    approved: tier 1 at once, tiers 2 and 3 when their approval request is approved."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="resolutions")
    agent = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="resolutions")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="resolutions"
    )
    what_went_wrong = models.CharField(max_length=32, choices=WhatWentWrong.choices)
    what_went_wrong_text = models.TextField(blank=True)
    why_eligible = models.CharField(max_length=32, choices=WhyEligible.choices)
    why_eligible_text = models.TextField(blank=True)
    type = models.CharField(max_length=32, choices=ResolutionType.choices)
    amount = _money()
    currency = models.CharField(max_length=3, validators=[validate_currency])
    tier = models.CharField(max_length=16, choices=Tier.choices)
    status = models.CharField(max_length=20, choices=ResolutionStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # When it was approved or rejected (tier 1: when it was made); the report's week.
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="resolution_ticket_idx"),
            models.Index(fields=["status", "decided_at"], name="resolution_decided_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.amount} {self.currency} ({self.ticket_id})"

    @property
    def counts(self) -> bool:
        return self.status == ResolutionStatus.APPROVED


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ApprovalRequest(models.Model):
    """A tier-2 resolution waiting for a lead of its team (or a manager), or a tier-3 one
    waiting for a manager."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resolution = models.OneToOneField(Resolution, on_delete=models.CASCADE, related_name="approval")
    tier = models.CharField(max_length=16, choices=Tier.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="approvals"
    )
    status = models.CharField(
        max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "team"], name="approval_status_team_idx")]

    def __str__(self) -> str:
        return f"Approval of {self.resolution_id} ({self.status})"


class CalibrationReason(models.TextChoices):
    TIER3 = "tier3", "Tier-3 resolution"
    FLAGGED = "flagged", "Flagged case (physical damage, social media)"
    COMPLAINT = "complaint", "Complaint (CSAT 1-2 or complaint flag)"
    RANDOM_SAMPLE = "random_sample", "Random sample (tiers 1-2)"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    REVIEWED = "reviewed", "Reviewed"


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    REVISED = "revised", "Revised"
    COACHING_NEEDED = "coaching_needed", "Coaching needed"


class CalibrationItem(models.Model):
    """One case in one week's calibration queue: a resolution (or, for a flagged ticket with
    none, the ticket itself) and the manager's review of it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    period = models.CharField(max_length=8, help_text="ISO week, e.g. 2026-W49.")
    reason = models.CharField(max_length=16, choices=CalibrationReason.choices)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="calibration")
    resolution = models.ForeignKey(
        Resolution, null=True, blank=True, on_delete=models.CASCADE, related_name="calibration"
    )
    review_status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    revised_amount = _money(null=True, blank=True)
    notes = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "reason", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "resolution"],
                condition=Q(resolution__isnull=False),
                name="calibration_period_resolution_uniq",
            ),
            models.UniqueConstraint(
                fields=["period", "ticket"],
                condition=Q(resolution__isnull=True),
                name="calibration_period_ticket_uniq",
            ),
        ]
        indexes = [models.Index(fields=["period", "review_status"], name="calibration_period_idx")]

    def __str__(self) -> str:
        return f"{self.period} {self.get_reason_display()}"
