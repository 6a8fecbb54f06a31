"""Rules about logins that every app creating one shares."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from core.exceptions import DomainValidationError


def validate_new_password(password: str, **attributes) -> None:
    """Django's password validators, as a DomainValidationError on ``password``; the
    attributes (username, email...) feed the similarity check."""
    try:
        validate_password(password, user=get_user_model()(**attributes))
    except ValidationError as error:
        raise DomainValidationError({"password": list(error.messages)}) from error
