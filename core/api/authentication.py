"""simplejwt's authentication, reading the user together with its role (core.roles.with_roles):
the permission checks that follow cost no query of their own. The read's SQL is compiled once
per process (core.compiled): compiling it (a join and a subquery) cost more CPU than the rest of
signing a request in (docs/benchmarks.md, "Creating a ticket")."""

from django.contrib.auth import get_user_model
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication

from core.compiled import CompiledQuery
from core.roles import with_roles


def _user_by_id(user_id: int):
    return with_roles(get_user_model()._default_manager.filter(pk=user_id))


_USER_BY_ID = CompiledQuery(_user_by_id, int)


class _UsersWithRoles:
    """What simplejwt asks of ``user_model`` (``objects.get`` and ``DoesNotExist``), with the
    users read by ``with_roles``; the library's own checks (active, revoked) stay its own."""

    def __init__(self) -> None:
        model = get_user_model()
        self.DoesNotExist = model.DoesNotExist
        self.objects = self

    def get(self, **lookup):
        """The user whose id the token names (``USER_ID_FIELD``, the primary key here)."""
        (field, value), *rest = lookup.items()
        if rest or field not in ("pk", get_user_model()._meta.pk.name):
            return with_roles(get_user_model()._default_manager.all()).get(**lookup)
        try:
            user_id = int(value)
        except (TypeError, ValueError):
            raise self.DoesNotExist from None
        user = _USER_BY_ID.first(user_id)
        if user is None:
            raise self.DoesNotExist
        return user


class JWTAuthentication(authentication.JWTAuthentication):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user_model = _UsersWithRoles()


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI document describes it as simplejwt's (the same bearer scheme)."""

    target_class = "core.api.authentication.JWTAuthentication"
