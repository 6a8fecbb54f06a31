"""Requesters: found or made from an e-mail address (or their CRM id), located as their source
reports, and added by the desk (a login comes by invitation or by a manager's password:
actions.logins). A new requester joins the company of their e-mail domain (tickets.companies)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from core.audit import record_audit
from core.compiled import CompiledQuery
from core.exceptions import DomainValidationError, NotPermitted
from core.roles import is_manager_or_admin, is_staff_role
from tickets.actions.companies import clean_crm_id
from tickets.actions.logins import (
    PASSWORD_BY_MANAGERS,
    invite_contact,
    refuse_address_with_login,
    set_contact_password,
)
from tickets.companies import company_for_email
from tickets.models import Contact, Tier

User = get_user_model()

# A requester is looked up on every ticket created: the SQL compiled once (core.compiled).
_CONTACT_BY_CRM_ID = CompiledQuery(
    lambda crm_id: Contact.objects.select_related("company").filter(crm_id=crm_id).order_by("pk"),
    str,
)
_CONTACT_BY_EMAIL = CompiledQuery(
    # By id: should two contacts differ only in case, always the same one.
    lambda email: (
        Contact.objects.select_related("company").filter(email__iexact=email).order_by("pk")
    ),
    str,
)


def get_or_create_contact(*, email: str, name: str = "", crm_id: str | None = None) -> Contact:
    """The requester with this CRM id, else with this address (any case), created when new
    (with the CRM id, in the company of the address's domain); a known name is kept. A known
    contact without a CRM id takes the one given; one with another id keeps its own. No new
    contact for an address a login has: AddressHasLogin on ``requester.email``."""
    email = User.objects.normalize_email(email).strip()
    if not email:
        raise DomainValidationError({"requester": ["A requester e-mail address is required."]})
    crm_id = clean_crm_id(crm_id, field="requester.crm_id")
    contact, created = None, False
    if crm_id is not None:
        contact = _CONTACT_BY_CRM_ID.first(crm_id)
    if contact is None:
        contact = _CONTACT_BY_EMAIL.first(email)
    if contact is None:
        # A new requester, never under a staff member's address (as create_contact refuses).
        refuse_address_with_login(email, field="requester.email")
        contact, created = _new_contact(email=email, name=name, crm_id=crm_id)
    if crm_id is not None and not created and contact.crm_id is None:  # found by address
        contact.crm_id = crm_id
        contact.save(update_fields=["crm_id"])
    if name and not contact.name:
        contact.name = name
        contact.save(update_fields=["name"])
    return contact


def _new_contact(*, email: str, name: str, crm_id: str | None) -> tuple[Contact, bool]:
    """A contact for an address not seen a moment ago, and True; if a concurrent request made
    it meanwhile (the address is unique), that one and False: get_or_create without its read."""
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                email=email.lower(), name=name, crm_id=crm_id, company=company_for_email(email)
            )
            return contact, True
    except IntegrityError:
        contact = _CONTACT_BY_EMAIL.first(email)
        if contact is None:
            raise
        return contact, False


def set_contact_location(*, contact: Contact, latitude, longitude, timezone: str) -> None:
    """Where a requester is, as their source system reports it (routing's proximity and time
    zone scores read it). Values already validated; None / '' leave a field as it is."""
    changed = []
    located = latitude is not None and longitude is not None
    if located and (contact.latitude, contact.longitude) != (latitude, longitude):
        contact.latitude, contact.longitude = latitude, longitude
        changed += ["latitude", "longitude"]
    if timezone and contact.timezone != timezone:
        contact.timezone = timezone
        changed.append("timezone")
    if changed:  # most deliveries repeat what is known: no write then
        contact.save(update_fields=changed)


@transaction.atomic
def create_contact(
    *,
    actor,
    email: str,
    name: str = "",
    tier: str = "standard",
    password=None,
    invite=False,
    crm_id=None,
) -> Contact:
    """A requester record, for an address nobody uses yet. A login comes with it only by an
    invitation to that address (the contact chooses the password) or, for managers and admins,
    with a password they set: an agent can never hold a requester's credentials, and a new
    contact never takes over an address whose tickets or login already exist."""
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins add contacts.")
    if password is not None and not is_manager_or_admin(actor):
        # API.md: an agent may add the contact but not its password, a field error (400).
        raise DomainValidationError({"password": [PASSWORD_BY_MANAGERS]})
    email = User.objects.normalize_email(email).strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise DomainValidationError({"email": error.messages}) from error
    if Contact.objects.filter(email__iexact=email).exists():
        raise DomainValidationError({"email": ["A contact with this e-mail address exists."]})
    refuse_address_with_login(email)
    if tier not in Tier.values:
        raise DomainValidationError({"tier": [f"Unknown tier '{tier}'."]})
    crm_id = clean_crm_id(crm_id)
    if crm_id is not None and Contact.objects.filter(crm_id=crm_id).exists():
        raise DomainValidationError({"crm_id": ["Another contact has this CRM id."]})
    company = company_for_email(email)
    contact = Contact.objects.create(
        email=email, name=name, tier=tier, crm_id=crm_id, company=company
    )
    data = {"contact": contact.pk, "company": company and company.pk, "crm_id": crm_id}
    record_audit(actor=actor, action="contact.created", data=data)
    if password is not None:
        set_contact_password(actor=actor, contact_id=contact.pk, password=password)
    elif invite:
        invite_contact(actor=actor, contact_id=contact.pk)
    return Contact.objects.select_related("company", "user").get(pk=contact.pk)


CONTACT_FIELDS = ("name", "tier", "company", "timezone", "latitude", "longitude", "crm_id")


@transaction.atomic
def update_contact(*, actor, contact_id, changes: dict) -> Contact:
    """Change a requester's name, tier, company or place (CSV imports). The e-mail address and
    the login are not changed here: they are the contact's identity (actions.logins)."""
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins change contacts.")
    unknown = sorted(set(changes) - set(CONTACT_FIELDS))
    if unknown:
        raise DomainValidationError({name: ["Cannot be changed here."] for name in unknown})
    if "crm_id" in changes:  # "" and None alike: no CRM record
        changes = {**changes, "crm_id": clean_crm_id(changes["crm_id"])}
    contact = Contact.objects.select_for_update().get(pk=contact_id)
    changed = [name for name, value in changes.items() if getattr(contact, name) != value]
    for name in changed:
        setattr(contact, name, changes[name])
    try:
        contact.full_clean(exclude=["user"])
    except ValidationError as error:
        raise DomainValidationError(error.message_dict) from error
    if changed:
        contact.save(update_fields=changed)
        record_audit(
            actor=actor, action="contact.changed", data={"contact": contact.pk, "fields": changed}
        )
    return Contact.objects.select_related("company", "user").get(pk=contact.pk)
