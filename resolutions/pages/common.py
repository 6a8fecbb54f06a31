"""What the resolutions pages share: role checks, and a domain error as an inline message with
its HTTP status (the API's mapping: 400, 403, 409)."""

from django.core.exceptions import PermissionDenied

from core.exceptions import DomainError, DomainValidationError, NotPermitted
from core.roles import is_manager_or_admin, is_staff_role


def require_staff(user) -> None:
    if not is_staff_role(user):
        raise PermissionDenied("Only agents, managers and admins see this page.")


def require_manager(user) -> None:
    if not is_manager_or_admin(user):
        raise PermissionDenied("Only managers and admins see this page.")


def error_status(error: DomainError) -> int:
    if isinstance(error, NotPermitted):
        return 403
    if isinstance(error, DomainValidationError):
        return 400
    return 409


def field_errors(error: DomainError) -> dict[str, list[str]]:
    if isinstance(error, DomainValidationError):
        return error.errors
    return {"non_field_errors": [str(error)]}
