"""E-mail domains and which company they belong to.

A domain is stored lower case, in its ASCII (IDNA) form, and belongs to one company. A new
requester joins the company of their address's domain, compared case-insensitively. With
``ITSM_COMPANY_MATCH_SUBDOMAINS`` (the default) an address at a subdomain (``ann@eu.acme.com``)
joins the company of the nearest listed parent (``eu.acme.com`` if listed, else ``acme.com``);
a bare top-level domain never matches (a company cannot list ``com``)."""

import re

from django.conf import settings

from tickets.requesters import Company, CompanyDomain

MAX_DOMAIN = 253
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class BadDomain(ValueError):
    pass


def normalize_domain(value) -> str:
    """``Acme.COM.`` -> ``acme.com``; an internationalised name in its ASCII form. Raises
    BadDomain with a sentence for anything that is not a domain of at least two labels."""
    if not isinstance(value, str):
        raise BadDomain("Must be a string.")
    domain = value.strip().lstrip("@").rstrip(".").lower()
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise BadDomain(f"'{value[:80]}' is not a valid domain.") from error
    labels = domain.split(".")
    if len(domain) > MAX_DOMAIN or len(labels) < 2 or not all(map(_LABEL.match, labels)):
        raise BadDomain(f"'{value[:80]}' is not a valid domain (e.g. acme.com).")
    if labels[-1].isdigit():
        raise BadDomain(f"'{value[:80]}' is an address, not a domain.")
    return domain


def domain_of(email: str) -> str | None:
    """The normalised domain of an e-mail address, or None."""
    _, at, host = (email or "").rpartition("@")
    if not at:
        return None
    try:
        return normalize_domain(host)
    except BadDomain:
        return None


def candidate_domains(domain: str, *, subdomains: bool) -> list[str]:
    """The domains that may hold an address at ``domain``, nearest first."""
    if not subdomains:
        return [domain]
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def company_for_email(email: str) -> Company | None:
    """The company whose domain the address is at (nearest listed parent), in one query."""
    domain = domain_of(email)
    if domain is None:
        return None
    subdomains = getattr(settings, "ITSM_COMPANY_MATCH_SUBDOMAINS", True)
    candidates = candidate_domains(domain, subdomains=subdomains)
    rows = CompanyDomain.objects.select_related("company").filter(domain__in=candidates)
    found = {row.domain: row.company for row in rows}
    return next((found[name] for name in candidates if name in found), None)
