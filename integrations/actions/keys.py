"""Integration keys: created (the raw key shown once, stored hashed), found by their raw value,
and touched when used."""

from django.db import transaction
from django.utils import timezone

from core.compiled import CompiledQuery
from core.exceptions import DomainValidationError
from integrations.models import ApiKey, hash_key


@transaction.atomic
def create_api_key(*, source: str, name: str, created_by=None) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the raw key, which is never stored or shown again."""
    if not source.strip() or not name.strip():
        raise DomainValidationError({"source": ["A source and a name are required."]})
    prefix, raw = ApiKey.generate()
    key = ApiKey.objects.create(
        source=source.strip(),
        name=name.strip(),
        prefix=prefix,
        hashed_key=hash_key(raw),
        created_by=created_by,
    )
    return key, raw


# Read on every call an integration makes: its SQL compiled once per process (core.compiled).
_ACTIVE_KEY_BY_PREFIX = CompiledQuery(
    lambda prefix: ApiKey.objects.filter(prefix=prefix, is_active=True).order_by("pk"), str
)


def find_active_key(raw_key: str) -> ApiKey | None:
    """The active key matching `raw_key`, compared by hash, or None."""
    prefix, _, _ = raw_key.partition(".")
    key = _ACTIVE_KEY_BY_PREFIX.first(prefix)
    if key is None or not _same(key.hashed_key, hash_key(raw_key)):
        return None
    return key


def _same(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a, b)


def touch_key(key: ApiKey) -> None:
    """Record use at most once a minute, so busy integrations don't write on every call."""
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
