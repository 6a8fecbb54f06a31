from rest_framework.throttling import SimpleRateThrottle


class CallerRateThrottle(SimpleRateThrottle):
    """One budget per signed-in user and one per API key (anonymous calls: AnonRateThrottle)."""

    scope = "caller"

    def get_cache_key(self, request, view) -> str | None:
        user = request.user
        if not user or not user.is_authenticated:
            return None
        api_key = getattr(user, "api_key", None)
        ident = f"key:{api_key.pk}" if api_key is not None else f"user:{user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        api_key = getattr(request.user, "api_key", None)
        if api_key is not None:
            # Each key carries its own rate, set in the admin.
            self.num_requests, self.duration = api_key.rate_per_minute, 60
        return super().allow_request(request, view)


class TokenRateThrottle(SimpleRateThrottle):
    """The token endpoints, per client address: slows password guessing before axes locks."""

    scope = "token"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
