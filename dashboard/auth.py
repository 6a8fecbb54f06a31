"""``?token=<JWT access>`` for websockets, where a browser cannot send an Authorization
header. Sits inside Channels' session AuthMiddlewareStack: a token, when given, decides the
user (a session cookie on the same request is then ignored); an invalid or expired token
leaves the connection anonymous and marked ``scope["auth_error"]``, so the consumer closes it
with 4401 rather than falling back to the session."""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

from core.api.authentication import JWTAuthentication

INVALID_TOKEN = "invalid_token"


def token_from(scope) -> str | None:
    query = scope.get("query_string", b"").decode("latin-1")
    values = parse_qs(query).get("token")
    return values[0] if values else None


def user_for_token(raw: str):
    """The active user an access token names, or None (bad signature, expired, a refresh
    token, unknown or inactive user)."""
    try:
        token = AccessToken(raw)
        return JWTAuthentication().get_user(token)
    except (TokenError, AuthenticationFailed):
        return None


class QueryTokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        raw = token_from(scope)
        if raw is not None:
            scope = dict(scope)
            user = await database_sync_to_async(user_for_token)(raw)
            scope["user"] = user or AnonymousUser()
            if user is None:
                scope["auth_error"] = INVALID_TOKEN
        return await super().__call__(scope, receive, send)
