"""Empowerment configurations: a team's tier limits and their currency; audited."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import record_audit
from core.exceptions import DomainValidationError
from org.models import Team
from resolutions.models import EmpowermentConfig
from resolutions.money import check_amount, validate_currency


@transaction.atomic
def save_config(
    *, actor, team: Team, tier1_limit: Decimal, tier2_limit: Decimal, currency: str
) -> EmpowermentConfig:
    """Create or change the team's limits. Tier 2 must be at least tier 1; the amounts are
    written as the currency writes them (no more places than it has)."""
    currency = (currency or "").upper()
    errors, limits = check_limits(tier1_limit, tier2_limit, currency)
    if errors:
        raise DomainValidationError(errors)
    config = EmpowermentConfig.objects.select_for_update().filter(team=team).first()
    created = config is None
    config = config or EmpowermentConfig(team=team)
    before = None if created else _snapshot(config)
    config.tier1_limit, config.tier2_limit = limits["tier1_limit"], limits["tier2_limit"]
    config.currency = currency
    config.save()
    record_audit(
        actor=actor,
        action="resolutions.empowerment_saved",
        data={"team": team.slug, "before": before, "after": _snapshot(config)},
    )
    return config


def check_limits(tier1_limit, tier2_limit, currency: str) -> tuple[dict, dict]:
    """``(errors, limits)``: field messages (none when fine) and the limits as the currency
    writes them. The admin's form shows the same messages before anything is saved."""
    errors: dict[str, list[str]] = {}
    try:
        validate_currency(currency)
    except ValidationError as error:
        errors["currency"] = error.messages
    limits = {}
    for name, value in (("tier1_limit", tier1_limit), ("tier2_limit", tier2_limit)):
        try:
            limits[name] = check_amount(value, currency if not errors else "EUR")
        except ValidationError as error:
            errors[name] = error.messages
    if not errors and limits["tier2_limit"] < limits["tier1_limit"]:
        errors["tier2_limit"] = ["The tier-2 limit must be at least the tier-1 limit."]
    return errors, limits


@transaction.atomic
def delete_config(*, actor, config: EmpowermentConfig) -> None:
    """Without a configuration, the team's agents give nothing that costs money alone."""
    snapshot = _snapshot(config)
    team_slug = config.team.slug
    EmpowermentConfig.objects.filter(pk=config.pk).delete()
    record_audit(
        actor=actor,
        action="resolutions.empowerment_deleted",
        data={"team": team_slug, "before": snapshot},
    )


def _snapshot(config: EmpowermentConfig) -> dict:
    return {
        "tier1_limit": str(config.tier1_limit),
        "tier2_limit": str(config.tier2_limit),
        "currency": config.currency,
    }
