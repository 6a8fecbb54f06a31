"""Routing's configuration: rules and scoring weights, from the admin, the API and the import
commands; each change audited."""

from django.db import transaction

from core.audit import record_audit
from core.exceptions import DomainValidationError
from routing.models import WEIGHT_FIELDS, RoutingRule, ScoringWeights
from routing.rule_files import parse_rules_file, parse_weights_file
from routing.rules import RuleError, validate_rule
from tickets.models import CaseFlag


def _flag_kinds() -> tuple[str, ...]:
    return tuple(CaseFlag.Kind.values)


@transaction.atomic
def import_rules(*, text: str, actor=None) -> tuple[int, int]:
    """Load a rules file (see routing.rules for the format): every rule is created or, by
    name, replaced. An invalid file raises RuleFileError and nothing is written.
    Returns (created, updated)."""
    specs = parse_rules_file(text, _flag_kinds())
    created = updated = 0
    for spec in specs:
        _, was_created = RoutingRule.objects.update_or_create(
            name=spec["name"], defaults={k: v for k, v in spec.items() if k != "name"}
        )
        created += was_created
        updated += not was_created
    record_audit(
        actor=actor,
        action="routing.rules_imported",
        data={"rules": [spec["name"] for spec in specs]},
    )
    return created, updated


@transaction.atomic
def save_rule(*, actor, document: dict, rule: RoutingRule | None = None) -> RoutingRule:
    """Create or change one rule from its YAML/API document."""
    try:
        spec = parse_rules_file_entry(document)
    except RuleError as error:
        raise DomainValidationError({"non_field_errors": [str(error)]}) from error
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
    return rule


def parse_rules_file_entry(document: dict) -> dict:
    position = document.get("order", 10) if isinstance(document, dict) else 10
    return validate_rule(document, position if isinstance(position, int) else 1, _flag_kinds())


@transaction.atomic
def delete_rule(*, actor, rule: RoutingRule) -> None:
    name = rule.name
    rule.delete()
    record_audit(actor=actor, action="routing.rule_deleted", data={"rule": name})


def _check_weights(values: dict[str, float]) -> None:
    total = sum(values[name] for name in WEIGHT_FIELDS)
    if abs(total - 1.0) > 1e-6:
        raise DomainValidationError(
            {"non_field_errors": [f"The seven weights must sum to 1 (they sum to {total:.4f})."]}
        )


@transaction.atomic
def save_weights(
    *, actor, category: str, values: dict, weights: ScoringWeights | None = None
) -> ScoringWeights:
    """Create or change one set of weights (category "" is the default). ``values`` may also
    carry the knobs of ScoringWeights; the seven weights after the change must sum to 1."""
    category = (category or "").strip().lower()
    clash = ScoringWeights.objects.filter(category=category)
    if weights is not None:
        clash = clash.exclude(pk=weights.pk)
    if clash.exists():
        raise DomainValidationError({"category": ["Weights for this category exist."]})
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
def delete_weights(*, actor, weights: ScoringWeights) -> None:
    """A category's weights go; the default weights stay (every decision needs them)."""
    if weights.category == "":
        raise DomainValidationError({"category": ["The default weights cannot be deleted."]})
    category = weights.category
    weights.delete()
    record_audit(actor=actor, action="routing.weights_deleted", data={"category": category})
