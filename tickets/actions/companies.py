"""Companies: created and changed by staff (the companies API, the admin), with their tier, their
e-mail domains (tickets.companies) and their id in the CRM. Each write is one transaction with
its audit row; bad input is refused with field messages and nothing written."""

from django.db import transaction

from core.audit import record_audit
from core.exceptions import DomainValidationError, NotPermitted
from core.roles import is_staff_role
from tickets.companies import BadDomain, normalize_domain
from tickets.crm import CRM_ID_RULE, is_crm_id
from tickets.requesters import Company, CompanyDomain, Tier

MAX_DOMAINS = 50
FIELDS = ("name", "tier", "domains", "crm_id")


def clean_crm_id(value, *, field: str = "crm_id") -> str | None:
    """A CRM record id (letters, digits and ``_ . : @ / + -``), or None for none."""
    if value is None or value == "":
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise DomainValidationError({field: ["Must be a string."]})
    value = str(value).strip()
    if not is_crm_id(value):
        raise DomainValidationError({field: [CRM_ID_RULE]})
    return value


def _clean_domains(values, company_id) -> list[str]:
    if not isinstance(values, list | tuple):
        raise DomainValidationError({"domains": ["Must be a list of domains."]})
    if len(values) > MAX_DOMAINS:
        raise DomainValidationError({"domains": [f"At most {MAX_DOMAINS} domains."]})
    errors, domains = [], []
    for value in values:
        try:
            domain = normalize_domain(value)
        except BadDomain as error:
            errors.append(str(error))
            continue
        if domain not in domains:
            domains.append(domain)
    taken = CompanyDomain.objects.filter(domain__in=domains).exclude(company_id=company_id)
    errors += [f"'{row.domain}' belongs to {row.company.name}." for row in taken.select_related()]
    if errors:
        raise DomainValidationError({"domains": errors})
    return domains


def clean_company(changes: dict, company_id=None) -> dict:
    """The changes checked and normalised (raises DomainValidationError with field messages)."""
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise DomainValidationError({name: ["Unknown field."] for name in unknown})
    clean = {}
    if "name" in changes:
        name = str(changes["name"] or "").strip()
        if not name or len(name) > 200:
            raise DomainValidationError({"name": ["A name of 1 to 200 characters is required."]})
        if Company.objects.filter(name__iexact=name).exclude(pk=company_id).exists():
            raise DomainValidationError({"name": ["A company with this name exists."]})
        clean["name"] = name
    if "tier" in changes:
        if changes["tier"] not in Tier.values:
            raise DomainValidationError({"tier": [f"One of: {', '.join(Tier.values)}."]})
        clean["tier"] = changes["tier"]
    if "crm_id" in changes:
        clean["crm_id"] = clean_crm_id(changes["crm_id"])
        taken = Company.objects.filter(crm_id=clean["crm_id"]).exclude(pk=company_id)
        if clean["crm_id"] is not None and taken.exists():
            raise DomainValidationError({"crm_id": ["Another company has this CRM id."]})
    if "domains" in changes:
        clean["domains"] = _clean_domains(changes["domains"], company_id)
    return clean


def _set_domains(company: Company, domains: list[str]) -> None:
    CompanyDomain.objects.filter(company=company).exclude(domain__in=domains).delete()
    have = set(company.domains.values_list("domain", flat=True))
    CompanyDomain.objects.bulk_create(
        CompanyDomain(company=company, domain=domain) for domain in domains if domain not in have
    )


def _require_staff(actor) -> None:
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins manage companies.")


@transaction.atomic
def create_company(*, actor, name: str, tier: str = Tier.STANDARD, domains=(), crm_id=None):
    _require_staff(actor)
    clean = clean_company({"name": name, "tier": tier, "domains": list(domains), "crm_id": crm_id})
    domains = clean.pop("domains")
    company = Company.objects.create(**clean)
    _set_domains(company, domains)
    record_audit(
        actor=actor,
        action="company.created",
        data={"company": company.pk, "domains": domains, "crm_id": company.crm_id},
    )
    return company


@transaction.atomic
def update_company(*, actor, company_id, changes: dict) -> Company:
    _require_staff(actor)
    company = Company.objects.select_for_update().get(pk=company_id)
    clean = clean_company(changes, company.pk)
    domains = clean.pop("domains", None)
    changed = [name for name, value in clean.items() if getattr(company, name) != value]
    for name in changed:
        setattr(company, name, clean[name])
    if changed:
        company.save(update_fields=changed)
    if domains is not None:
        before = sorted(company.domains.values_list("domain", flat=True))
        _set_domains(company, domains)
        changed += ["domains"] if before != sorted(domains) else []
    if changed:
        data = {"company": company.pk, "fields": changed, "domains": domains}
        record_audit(actor=actor, action="company.changed", data=data)
    return company
