"""Requesters: found or made from an e-mail address, located as their source reports, and
added by the desk (with a login when a password is given)."""

from django.contrib.auth import get_user_model
from django.db import transaction

from core.accounts import validate_new_password
from core.audit import record_audit
from core.exceptions import DomainValidationError, NotPermitted
from core.roles import is_staff_role
from tickets.models import Contact, Tier

User = get_user_model()


def get_or_create_contact(*, email: str, name: str = "") -> Contact:
    """The requester with this address (any case), created when new; a known name is kept."""
    email = User.objects.normalize_email(email).strip()
    if not email:
        raise DomainValidationError({"requester": ["A requester e-mail address is required."]})
    contact, created = Contact.objects.select_related("company").get_or_create(
        email__iexact=email, defaults={"email": email.lower(), "name": name}
    )
    if not created and name and not contact.name:
        contact.name = name
        contact.save(update_fields=["name"])
    return contact


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
def create_contact(*, actor, email: str, name: str = "", tier: str = "standard", password=None):
    """A requester record; with a password it also gets a login (the requester role)."""
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins add contacts.")
    email = User.objects.normalize_email(email).strip().lower()
    if Contact.objects.filter(email__iexact=email).exists():
        raise DomainValidationError({"email": ["A contact with this e-mail address exists."]})
    if tier not in Tier.values:
        raise DomainValidationError({"tier": [f"Unknown tier '{tier}'."]})
    user = None
    if password is not None:
        if User.objects.filter(username__iexact=email).exists():
            raise DomainValidationError({"email": ["A login with this e-mail address exists."]})
        validate_new_password(password, username=email, email=email)
        user = User.objects.create_user(
            username=email, email=email, password=password, first_name=name[:150]
        )
    contact = Contact.objects.create(email=email, name=name, tier=tier, user=user)
    record_audit(
        actor=actor,
        action="contact.created",
        data={"contact": contact.pk, "login": user is not None},
    )
    return contact
