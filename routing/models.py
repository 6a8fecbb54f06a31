"""Routing's configuration (rules, scoring weights, triage keywords and models) and its
decisions, with the team metrics measured for the scorers."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now

from org.models import Team
from routing.rules import RuleError, to_document, validate_actions, validate_conditions


class RoutingEvent(models.TextChoices):
    TICKET_CREATED = "ticket.created", "Ticket created"
    TICKET_UPDATED = "ticket.updated", "Ticket updated"
    ESCALATION_AGE_EXCEEDED = "escalation.age_exceeded", "Escalation waiting too long"
    SLA_WARNING = "sla.warning", "SLA warning"
    SLA_BREACHED = "sla.breached", "SLA breached"


class RoutingRule(models.Model):
    """A rule of the rules engine: when ``event`` happens and every condition holds, run the
    actions. Rules run in ``order``; the first matching ``assign`` decides the team, and a
    matching rule with ``stop`` ends the evaluation. The shape of ``conditions`` and
    ``actions`` is checked by routing.rules (the same check as the YAML import)."""

    name = models.CharField(max_length=120, unique=True)
    order = models.IntegerField(default=100, help_text="Lower runs first.")
    active = models.BooleanField(default=True)
    event = models.CharField(
        max_length=32, choices=RoutingEvent.choices, default=RoutingEvent.TICKET_CREATED
    )
    conditions = models.JSONField(
        default=list,
        blank=True,
        help_text='A list of one-key mappings, e.g. [{"priority": "critical"}, '
        '{"title": {"matches": "(?i)vpn"}}]. All must hold.',
    )
    actions = models.JSONField(
        default=list,
        help_text='A list of actions, e.g. [{"type": "assign", "to": "team:network"}].',
    )
    stop = models.BooleanField(
        default=False, help_text="When this rule matches, later rules are not evaluated."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "name"]
        indexes = [models.Index(fields=["event", "active", "order"], name="rule_event_idx")]

    def __str__(self) -> str:
        return self.name

    def document(self) -> dict:
        """The rule in the YAML/API shape: what export writes and the history keeps."""
        fields = ("name", "order", "active", "stop", "event", "conditions", "actions")
        return to_document({name: getattr(self, name) for name in fields})

    def clean(self) -> None:
        try:
            validate_conditions(self.conditions)
            validate_actions(self.actions)
        except RuleError as error:
            raise ValidationError(str(error)) from error


WEIGHT_FIELDS = (
    "availability_weight",
    "bandwidth_weight",
    "velocity_weight",
    "performance_weight",
    "proximity_weight",
    "cultural_fit_weight",
    "timezone_weight",
)
DEFAULT_WEIGHTS = {
    "availability_weight": 0.25,
    "bandwidth_weight": 0.15,
    "velocity_weight": 0.20,
    "performance_weight": 0.20,
    "proximity_weight": 0.10,
    "cultural_fit_weight": 0.05,
    "timezone_weight": 0.05,
}


def _weight_field(name: str):
    return models.FloatField(
        default=DEFAULT_WEIGHTS[name], validators=[MinValueValidator(0), MaxValueValidator(1)]
    )


class ScoringWeights(models.Model):
    """The seven weights of the composite score. The row with an empty category is the
    default; a row with a category overrides it for tickets of that category. The routing
    knobs below the weights (load per priority, affinity window, sample size) are read from
    the default row only."""

    category = models.CharField(
        max_length=100, blank=True, unique=True, help_text="Empty: the default weights."
    )
    availability_weight = _weight_field("availability_weight")
    bandwidth_weight = _weight_field("bandwidth_weight")
    velocity_weight = _weight_field("velocity_weight")
    performance_weight = _weight_field("performance_weight")
    proximity_weight = _weight_field("proximity_weight")
    cultural_fit_weight = _weight_field("cultural_fit_weight")
    timezone_weight = _weight_field("timezone_weight")
    # How much capacity one open ticket of each priority takes (waiting tickets take none).
    load_critical = models.FloatField(default=3.0, validators=[MinValueValidator(0)])
    load_high = models.FloatField(default=2.0, validators=[MinValueValidator(0)])
    load_medium = models.FloatField(default=1.0, validators=[MinValueValidator(0)])
    load_low = models.FloatField(default=0.5, validators=[MinValueValidator(0)])
    affinity_window_hours = models.PositiveIntegerField(
        default=72,
        help_text="A new ticket of the same requester and category within this window goes "
        "back to the team that handled the previous one (0: off).",
    )
    min_resolved_samples = models.PositiveIntegerField(
        default=10,
        help_text="Resolved tickets of a category a team needs before its measured velocity "
        "and performance replace the baseline metrics.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category"]
        verbose_name = "scoring weights"
        verbose_name_plural = "scoring weights"

    def __str__(self) -> str:
        return f"Weights for {self.category}" if self.category else "Default weights"

    def weights(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in WEIGHT_FIELDS}

    def clean(self) -> None:
        total = sum(self.weights().values())
        if abs(total - 1.0) > 1e-6:
            raise ValidationError(f"The seven weights must sum to 1 (they sum to {total:.4f}).")


class TriageKeyword(models.Model):
    """Keyword map for the simple triage: a ticket without a category whose title or
    description contains ``keyword`` gets ``category``. Also the keywords of a category when
    deciding which teams are eligible."""

    keyword = models.CharField(max_length=60, unique=True)
    category = models.CharField(max_length=100, db_index=True)

    class Meta:
        ordering = ["category", "keyword"]

    def __str__(self) -> str:
        return f"{self.keyword} -> {self.category}"

    def save(self, *args, **kwargs) -> None:
        self.keyword = self.keyword.strip().lower()
        self.category = self.category.strip().lower()
        super().save(*args, **kwargs)


class TeamMetrics(models.Model):
    """What a team's resolved tickets of one category measure (refreshed periodically by
    routing.actions.metrics.refresh_team_metrics); used instead of the baseline once there are
    enough samples."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="measured_metrics")
    category = models.CharField(max_length=100)
    resolved_count = models.PositiveIntegerField(default=0)
    avg_resolution_time_hours = models.FloatField(default=0.0)
    sla_compliance_rate = models.FloatField(default=0.0)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team", "category"]
        verbose_name_plural = "team metrics"
        constraints = [
            models.UniqueConstraint(fields=["team", "category"], name="teammetrics_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.team} / {self.category}: {self.resolved_count} resolved"


class AllocationDecision(models.Model):
    """One routing decision with everything needed to explain it later."""

    class Method(models.TextChoices):
        RULE = "rule", "Rule"
        AFFINITY = "affinity", "Affinity"
        SCORING = "scoring", "Scoring"
        NONE = "none", "No eligible team"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="allocation_decisions"
    )
    event = models.CharField(max_length=32, choices=RoutingEvent.choices)
    method = models.CharField(max_length=16, choices=Method.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    team_name = models.CharField(max_length=120, blank=True)
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggested_decisions",
    )
    assigned_user_email = models.EmailField(blank=True)
    rule = models.ForeignKey(
        RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    rule_name = models.CharField(max_length=120, blank=True)
    scores = models.JSONField(default=dict)
    candidates = models.JSONField(default=list)
    actions = models.JSONField(default=list, help_text="Rule actions applied with the decision.")
    rationale = models.TextField()
    confidence = models.FloatField(default=0.0)
    # Semantic triage's output (routing.semantic.blend.TriageResult.document); {} when none ran.
    triage = models.JSONField(default=dict, blank=True)
    duration_ms = models.FloatField(default=0.0)
    decided_at = models.DateTimeField(default=now, db_index=True)

    class Meta:
        ordering = ["-decided_at"]
        indexes = [
            models.Index(fields=["ticket", "-decided_at"], name="decision_ticket_idx"),
            # Routing outcomes of a window counted from the index alone (dashboard.analytics).
            models.Index(
                fields=["decided_at"],
                include=["method", "event", "confidence", "ticket"],
                name="decision_window_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} -> {self.team_name or 'nobody'} ({self.method})"


class TriageModel(models.Model):
    """A fitted learned-triage pipeline (TF-IDF + linear classifier for category and priority),
    stored in the database so every process shares it, with its held-out evaluation.
    Written by routing.learned_triage.train_model; the active one is chosen in TriageSettings."""

    created_at = models.DateTimeField(auto_now_add=True)
    sklearn_version = models.CharField(max_length=20)
    samples = models.PositiveIntegerField(help_text="Resolved tickets it was trained on.")
    held_out = models.PositiveIntegerField(help_text="Tickets in the held-out evaluation split.")
    category_accuracy = models.FloatField()
    category_macro_f1 = models.FloatField()
    priority_accuracy = models.FloatField(null=True, blank=True)
    priority_macro_f1 = models.FloatField(null=True, blank=True)
    categories = models.JSONField(default=list)
    report = models.JSONField(default=dict, blank=True, help_text="Per-class precision/recall.")
    pipeline = models.BinaryField(editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (
            f"Triage model #{self.pk} ({self.created_at:%Y-%m-%d}, "
            f"accuracy {self.category_accuracy:.2f}, macro F1 {self.category_macro_f1:.2f})"
        )


class TriageSettings(models.Model):
    """One row: which learned model is active, and the confidence below which the keyword map
    decides instead."""

    active_model = models.ForeignKey(
        TriageModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confidence_threshold = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Below this probability the keyword map (category) or the ITIL matrix "
        "(priority) decides.",
    )
    semantic_threshold = models.FloatField(
        default=0.4,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Below this triage confidence a ticket without a category is marked "
        "'needs triage' and goes to the triage queue.",
    )
    queue_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The triage queue: the team (dispatchers) that takes low-confidence tickets. "
        "Empty: they go to triage's best guess, marked 'needs triage'.",
    )
    auto_activate = models.BooleanField(
        default=True,
        help_text="The weekly training activates a new model when its macro F1 is at least "
        "the active one's.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "triage settings"

    def __str__(self) -> str:
        return "Triage settings"


# The semantic triage's tables, in a module of their own.
from routing.triage_models import CategoryProfile, TriageLesson, TriageVector  # noqa: E402, F401
