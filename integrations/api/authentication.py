"""`Authorization: Api-Key <key>`: integrations authenticate as their key, not as a user."""

from dataclasses import dataclass

from rest_framework import authentication, exceptions

from integrations.actions.keys import find_active_key, touch_key
from integrations.models import ApiKey

KEYWORD = "Api-Key"


@dataclass(eq=False)
class IntegrationPrincipal:
    """What `request.user` is for a call made with an API key. It holds the `integration` role
    (core.roles) and nothing else: no groups, no tickets of its own, never an owner."""

    api_key: ApiKey
    is_integration = True
    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_superuser = False
    is_staff = False
    pk = None
    id = None

    @property
    def source(self) -> str:
        return self.api_key.source

    def get_username(self) -> str:
        return f"integration:{self.api_key.source}:{self.api_key.prefix}"

    def __str__(self) -> str:
        return self.get_username()


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _, raw = header.partition(" ")
        if keyword.lower() != KEYWORD.lower():
            return None
        raw = raw.strip()
        if not raw or " " in raw:
            raise exceptions.AuthenticationFailed("Malformed Api-Key header.")
        key = find_active_key(raw)
        if key is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.")
        touch_key(key)
        return IntegrationPrincipal(api_key=key), key

    def authenticate_header(self, request) -> str:
        return KEYWORD
