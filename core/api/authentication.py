"""simplejwt's authentication, reading the user together with its role (core.roles.with_roles):
the permission checks that follow cost no query of their own."""

from django.contrib.auth import get_user_model
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication

from core.roles import with_roles


class _UsersWithRoles:
    """What simplejwt asks of ``user_model`` (``objects.get`` and ``DoesNotExist``), with the
    users read by ``with_roles``; the library's own checks (active, revoked) stay its own."""

    def __init__(self) -> None:
        model = get_user_model()
        self.DoesNotExist = model.DoesNotExist

    @property
    def objects(self):
        return with_roles(get_user_model()._default_manager.all())


class JWTAuthentication(authentication.JWTAuthentication):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user_model = _UsersWithRoles()


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI document describes it as simplejwt's (the same bearer scheme)."""

    target_class = "core.api.authentication.JWTAuthentication"
