"""Routing's configuration: rules and scoring weights, from the admin, the API and the import
commands; each change audited and kept in the configuration history (core.config_history),
whose snapshots routing.actions.history restores through these same actions."""

from django.db import transaction

from core.audit import record_audit
from core.config_history import json_ready, record_change
from core.exceptions import DomainValidationError
from routing.actions.rule_checks import RuleProblem, rule_problems, rules_problems
from routing.models import WEIGHT_FIELDS, RoutingRule, ScoringWeights
from routing.rule_files import parse_rules_file, parse_weights_file
from routing.rules import RuleError, validate_rule
from tickets.models import CaseFlag

RULE_TYPE = "routing.routingrule"
WEIGHTS_TYPE = "routing.scoringweights"
KNOB_FIELDS = (
    "load_critical",
    "load_high",
    "load_medium",
    "load_low",
    "affinity_window_hours",
    "min_resolved_samples",
)


def _flag_kinds() -> tuple[str, ...]:
    return tuple(CaseFlag.Kind.values)


def weights_document(weights: ScoringWeights) -> dict:
    """A set of weights as the history keeps it (and a restore hands back to save_weights)."""
    fields = ("category", *WEIGHT_FIELDS, *KNOB_FIELDS)
    return json_ready({name: getattr(weights, name) for name in fields})


def _record_rule(actor, rule: RoutingRule, before: dict | None, after: dict | None, note: str):
    record_change(
        actor=actor,
        object_type=RULE_TYPE,
        object_id=rule.pk,
        object_repr=rule.name,
        before=before,
        after=after,
        note=note,
    )


@transaction.atomic
def import_rules(*, text: str, actor=None) -> tuple[int, int]:
    """Load a rules file (see routing.rules for the format): every rule is created or, by
    name, replaced. An invalid file raises RuleFileError and nothing is written.
    Returns (created, updated)."""
    specs = parse_rules_file(text, _flag_kinds(), check=_file_problems)
    created = updated = 0
    for spec in specs:
        rule = RoutingRule.objects.select_for_update().filter(name=spec["name"]).first()
        before = rule.document() if rule else None
        created += rule is None
        updated += rule is not None
        rule = rule or RoutingRule()
        for name, value in spec.items():
            setattr(rule, name, value)
        rule.save()
        _record_rule(actor, rule, before, rule.document(), "import_rules")
    record_audit(
        actor=actor,
        action="routing.rules_imported",
        data={"rules": [spec["name"] for spec in specs]},
    )
    return created, updated


@transaction.atomic
def save_rule(
    *, actor, document: dict, rule: RoutingRule | None = None, note: str = ""
) -> RoutingRule:
    """Create or change one rule from its YAML/API document (the admin form builds one)."""
    spec = check_rule(document)
    if rule is not None and rule.pk is None:
        rule = None  # an unsaved instance (the admin's add form): a new rule
    if rule is not None:
        rule = RoutingRule.objects.select_for_update().filter(pk=rule.pk).first()
        if rule is None:
            raise DomainValidationError({"non_field_errors": ["The rule was deleted meanwhile."]})
    before = rule.document() if rule is not None else None
    clash = RoutingRule.objects.filter(name=spec["name"])
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        raise DomainValidationError({"name": ["A rule with this name exists."]})
    rule = rule or RoutingRule()
    for name, value in spec.items():
        setattr(rule, name, value)
    rule.save()
    record_audit(actor=actor, action="routing.rule_saved", data={"rule": rule.name})
    _record_rule(actor, rule, before, rule.document(), note)
    return rule


def parse_rules_file_entry(document: dict) -> dict:
    """The shape of one rule document (routing.rules); raises RuleError."""
    position = document.get("order", 10) if isinstance(document, dict) else 10
    return validate_rule(document, position if isinstance(position, int) else 1, _flag_kinds())


def check_rule(document: dict) -> dict:
    """The one check of a rule document before it is stored, whichever door it came through:
    its shape, then what it names (routing.actions.rule_checks). Returns the rule's fields, or
    raises DomainValidationError with a message per field of the document."""
    try:
        spec = parse_rules_file_entry(document)
    except RuleError as error:
        raise DomainValidationError({"non_field_errors": [str(error)]}) from error
    problems = rule_problems(spec)
    if problems:
        raise DomainValidationError(problem_messages(problems, document))
    return spec


def problem_messages(problems: list[RuleProblem], document: dict) -> dict[str, list[str]]:
    """Under the document's own field: ``trigger`` for a condition, ``action`` or ``actions``
    for an action (whichever the document used)."""
    action_field = "action" if "action" in document else "actions"
    errors: dict[str, list[str]] = {}
    for problem in problems:
        field_name = "trigger" if problem.part == "conditions" else action_field
        errors.setdefault(field_name, []).append(f"{problem}.")
    return errors


def _file_problems(specs: list[dict]) -> list[list[str]]:
    return [[f"{problem}." for problem in found] for found in rules_problems(specs)]


@transaction.atomic
def delete_rule(*, actor, rule: RoutingRule, note: str = "") -> None:
    rule = RoutingRule.objects.select_for_update().filter(pk=rule.pk).first()
    if rule is None:
        return
    name, pk, before = rule.name, rule.pk, rule.document()
    rule.delete()
    rule.pk = pk
    record_audit(actor=actor, action="routing.rule_deleted", data={"rule": name})
    _record_rule(actor, rule, before, None, note)


def _check_weights(values: dict[str, float]) -> None:
    total = sum(values[name] for name in WEIGHT_FIELDS)
    if abs(total - 1.0) > 1e-6:
        raise DomainValidationError(
            {"non_field_errors": [f"The seven weights must sum to 1 (they sum to {total:.4f})."]}
        )


@transaction.atomic
def save_weights(
    *, actor, category: str, values: dict, weights: ScoringWeights | None = None, note: str = ""
) -> ScoringWeights:
    """Create or change one set of weights (category "" is the default). ``values`` may also
    carry the knobs of ScoringWeights; the seven weights after the change must sum to 1."""
    category = (category or "").strip().lower()
    clash = ScoringWeights.objects.filter(category=category)
    if weights is not None:
        clash = clash.exclude(pk=weights.pk)
    if clash.exists():
        raise DomainValidationError({"category": ["Weights for this category exist."]})
    if weights is not None and weights.pk is not None:
        weights = ScoringWeights.objects.select_for_update().get(pk=weights.pk)
    before = weights_document(weights) if weights is not None else None
    weights = weights or ScoringWeights(category=category)
    weights.category = category
    for name, value in values.items():
        setattr(weights, name, value)
    _check_weights(weights.weights())
    weights.full_clean()
    weights.save()
    record_audit(
        actor=actor,
        action="routing.weights_saved",
        data={"category": category, **weights.weights()},
    )
    record_change(
        actor=actor,
        object_type=WEIGHTS_TYPE,
        object_id=weights.pk,
        object_repr=str(weights),
        before=before,
        after=weights_document(weights),
        note=note,
    )
    return weights


@transaction.atomic
def import_weights(*, text: str, actor=None) -> int:
    """Load the ``scoring:`` block of a YAML file into the default weights (and the
    per-category overrides under ``scoring: categories:``). All or nothing."""
    sets = parse_weights_file(text, WEIGHT_FIELDS)
    for category, values in sets.items():
        existing = ScoringWeights.objects.filter(category=category).first()
        save_weights(actor=actor, category=category, values=values, weights=existing)
    return len(sets)


@transaction.atomic
def delete_weights(*, actor, weights: ScoringWeights, note: str = "") -> None:
    """A category's weights go; the default weights stay (every decision needs them)."""
    if weights.category == "":
        raise DomainValidationError({"category": ["The default weights cannot be deleted."]})
    weights = ScoringWeights.objects.select_for_update().get(pk=weights.pk)
    category, pk, before = weights.category, weights.pk, weights_document(weights)
    label = str(weights)
    weights.delete()
    record_audit(actor=actor, action="routing.weights_deleted", data={"category": category})
    record_change(
        actor=actor,
        object_type=WEIGHTS_TYPE,
        object_id=pk,
        object_repr=label,
        before=before,
        after=None,
        note=note,
    )
