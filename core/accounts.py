"""Rules about logins that every app creating one shares."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from core.exceptions import DomainValidationError
from core.roles import with_roles


def validate_new_password(password: str, **attributes) -> None:
    """Django's password validators, as a DomainValidationError on ``password``; the
    attributes (username, email...) feed the similarity check."""
    try:
        validate_password(password, user=get_user_model()(**attributes))
    except ValidationError as error:
        raise DomainValidationError({"password": list(error.messages)}) from error


class RoleReadingBackend(ModelBackend):
    """Django's model backend, reading a signed-in session's user together with its role
    (core.roles.with_roles): a page's role checks cost no query of their own."""

    def get_user(self, user_id):
        users = with_roles(get_user_model()._default_manager.all())
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
