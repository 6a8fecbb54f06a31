"""A requester's login: made by an invitation to the contact's own address (the contact picks
the password through a one-time link), or by a manager or admin who sets the password. The
login only ever sees the tickets of its own contact (tickets.selectors.visible_tickets)."""

from django.contrib.auth import get_user_model
from django.db import transaction

from core.accounts import validate_new_password
from core.audit import record_audit
from core.events import publish
from core.exceptions import DomainValidationError, NotPermitted
from core.roles import is_manager_or_admin, is_staff_role
from tickets.events import CONTACT_INVITED
from tickets.models import Contact

User = get_user_model()

PASSWORD_BY_MANAGERS = (
    "Only managers and admins set a contact's password; invite the contact to choose one."
)


def address_has_login(email: str, *, except_user_id=None) -> bool:
    """Whether any login (staff or requester) signs in with, or receives mail at, this address."""
    logins = User.objects.filter(email__iexact=email) | User.objects.filter(username__iexact=email)
    if except_user_id is not None:
        logins = logins.exclude(pk=except_user_id)
    return logins.exists()


ADDRESS_HAS_LOGIN = "This address belongs to an existing login."


class AddressHasLogin(DomainValidationError):
    """A new contact refused: a login (a staff member's) has the address already. An address is
    one person's: a contact under a colleague's would hold their mail and tickets as a
    requester's. Doors that may not fail for it (webhooks, inbound mail) catch this one."""

    def __init__(self, field: str = "email") -> None:
        super().__init__({field: [ADDRESS_HAS_LOGIN]})


def refuse_address_with_login(email: str, *, field: str = "email") -> None:
    """Raise AddressHasLogin (on ``field``) when a login already has this address."""
    if address_has_login(email):
        raise AddressHasLogin(field)


@transaction.atomic
def invite_contact(*, actor, contact_id) -> Contact:
    """Send the contact a one-time link to choose a password (notifications mails it after the
    commit). The login is made now, with no usable password: nobody can sign in with it until
    the contact has followed the link. Asking again sends a new link; an old one stops working
    once a password is chosen."""
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins invite contacts.")
    contact = _locked_contact(contact_id)
    user = contact.user or _new_login(contact, password=None)
    publish(
        CONTACT_INVITED,
        stream=f"contact:{contact.pk}",
        data={"contact": contact.pk, "user": user.pk, "email": contact.email},
    )
    record_audit(actor=actor, action="contact.invited", data={"contact": contact.pk})
    return contact


@transaction.atomic
def set_contact_password(*, actor, contact_id, password: str) -> Contact:
    """A manager or admin sets (or resets) a contact's password, making the login if needed."""
    if not is_manager_or_admin(actor):
        raise NotPermitted(PASSWORD_BY_MANAGERS)
    contact = _locked_contact(contact_id)
    validate_new_password(password, username=contact.email, email=contact.email)
    if contact.user is None:
        _new_login(contact, password=password)
    else:
        contact.user.set_password(password)
        contact.user.save(update_fields=["password"])
    record_audit(actor=actor, action="contact.password_set", data={"contact": contact.pk})
    return contact


def _locked_contact(contact_id) -> Contact:
    return Contact.objects.select_for_update(of=("self",)).select_related("user").get(pk=contact_id)


def _new_login(contact: Contact, *, password: str | None):
    """The contact's login, under its own address. Refused when another login already uses the
    address: linking it would let that login read this contact's tickets."""
    refuse_address_with_login(contact.email)
    user = User.objects.create_user(
        username=contact.email,
        email=contact.email,
        password=password,  # None: an unusable password until the invitation is followed
        first_name=contact.name[:150],
    )
    contact.user = user
    contact.save(update_fields=["user"])
    return user
