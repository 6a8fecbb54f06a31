"""Role gates for the API. Object visibility is decided by querysets (visible_tickets), so an
object a caller may not see is simply not found (404)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.roles import Role, role_of


class HasRole(BasePermission):
    roles: tuple[Role, ...] = ()

    def has_permission(self, request, view) -> bool:
        return role_of(request.user) in self.roles


class IsAdminRole(HasRole):
    roles = (Role.ADMIN,)


class IsManagerOrAdmin(HasRole):
    roles = (Role.ADMIN, Role.MANAGER)


class IsStaffRole(HasRole):
    """Agents, managers and admins."""

    roles = (Role.ADMIN, Role.MANAGER, Role.AGENT)


class IsAnyRole(HasRole):
    """Everyone with a role, requesters included (integration keys excluded)."""

    roles = (Role.ADMIN, Role.MANAGER, Role.AGENT, Role.REQUESTER)


class IsIntegration(HasRole):
    """A call made with an `Api-Key` (see integrations.api.authentication)."""

    roles = (Role.INTEGRATION,)


class IsManagerAdminOrIntegration(HasRole):
    roles = (Role.ADMIN, Role.MANAGER, Role.INTEGRATION)


class ReadStaffWriteAdmin(BasePermission):
    """Staff may read; only admins may write (teams, agents, rules, weights...)."""

    def has_permission(self, request, view) -> bool:
        role = role_of(request.user)
        if request.method in SAFE_METHODS:
            return role in (Role.ADMIN, Role.MANAGER, Role.AGENT)
        return role == Role.ADMIN
