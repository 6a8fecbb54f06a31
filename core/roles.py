"""Who is what. Roles are Django groups (admin, manager, agent); requesters are contacts with a
login (the user's ``contact``, the reverse side of tickets.Contact.user). Every door asks these
functions, never the groups directly."""

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, OuterRef, QuerySet, Subquery, When


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    AGENT = "agent"
    REQUESTER = "requester"
    INTEGRATION = "integration"


STAFF_ROLE_GROUPS = (Role.ADMIN, Role.MANAGER, Role.AGENT)

# Cached on the user instance: one query per request, however many checks follow.
_CACHE_ATTR = "_itsm_role_cache"
# Set by with_roles: the name of the strongest staff group, read with the user.
_STAFF_GROUP_ATTR = "_itsm_staff_group"
_UNREAD = object()


def role_of(user: AbstractBaseUser | AnonymousUser | None) -> Role | None:
    """The strongest role the user holds, or None for anonymous and role-less users."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if getattr(user, "is_integration", False):
        return Role.INTEGRATION
    cached = getattr(user, _CACHE_ATTR, False)
    if cached is not False:
        return cached
    role = _compute_role(user)
    setattr(user, _CACHE_ATTR, role)
    return role


def with_roles(users: QuerySet) -> QuerySet:
    """Users read with what ``role_of`` needs, in the same query: the strongest staff group's
    name and the requester's contact. Signing a request in this way saves the role's own
    query (a tenth of the CPU of an API create)."""
    rank = Case(*(When(name=role.value, then=i) for i, role in enumerate(STAFF_ROLE_GROUPS)))
    strongest = (
        Group.objects.filter(user=OuterRef("pk"), name__in=[r.value for r in STAFF_ROLE_GROUPS])
        .order_by(rank)
        .values("name")[:1]
    )
    return users.select_related("contact").annotate(**{_STAFF_GROUP_ATTR: Subquery(strongest)})


def _compute_role(user) -> Role | None:
    if user.is_superuser:
        return Role.ADMIN
    staff_group = getattr(user, _STAFF_GROUP_ATTR, _UNREAD)
    if staff_group is _UNREAD:
        # .all() so that a prefetch_related("user__groups") in a list view is used.
        groups = {group.name for group in user.groups.all()}
        staff_group = next((r.value for r in STAFF_ROLE_GROUPS if r.value in groups), None)
    if staff_group is not None:
        return Role(staff_group)
    return Role.REQUESTER if _has_contact(user) else None


def _has_contact(user) -> bool:
    """Whether the user signs in as a requester. Read through the reverse one-to-one accessor,
    so the ground floor needs no import of the ticket domain (and a select_related contact
    costs no query)."""
    try:
        user.contact  # noqa: B018 - the read is the check
    except ObjectDoesNotExist:
        return False
    return True


def forget_role(user) -> None:
    """Drop the cached role after the user's groups change."""
    for attr in (_CACHE_ATTR, _STAFF_GROUP_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def is_admin(user) -> bool:
    return role_of(user) == Role.ADMIN


def is_manager_or_admin(user) -> bool:
    return role_of(user) in (Role.ADMIN, Role.MANAGER)


def is_staff_role(user) -> bool:
    """Agents, managers and admins: the people who work tickets."""
    return role_of(user) in STAFF_ROLE_GROUPS
