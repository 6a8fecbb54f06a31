"""Rules about logins that every app creating one shares."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from core.compiled import CompiledQuery
from core.exceptions import DomainValidationError
from core.roles import with_roles


def validate_new_password(password: str, **attributes) -> None:
    """Django's password validators, as a DomainValidationError on ``password``; the
    attributes (username, email...) feed the similarity check."""
    try:
        validate_password(password, user=get_user_model()(**attributes))
    except ValidationError as error:
        raise DomainValidationError({"password": list(error.messages)}) from error


def _user_by_id(user_id: int):
    return with_roles(get_user_model()._default_manager.filter(pk=user_id))


# Every signed-in page and API call reads its session's user: the read's SQL (a join and a
# subquery) is compiled once per process (core.compiled); compiling it was ~2 ms of each list
# page's CPU (docs/benchmarks.md, "The list page's own CPU").
_USER_BY_ID = CompiledQuery(_user_by_id, int)


class RoleReadingBackend(ModelBackend):
    """Django's model backend, reading a signed-in session's user together with its role
    (core.roles.with_roles): a page's role checks cost no query of their own."""

    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user = _USER_BY_ID.first(user_id) if 0 < user_id < 2**63 else None
        return user if user is not None and self.user_can_authenticate(user) else None
