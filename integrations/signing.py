"""HMAC-SHA256 signatures of webhook bodies, inbound and outbound (pure).

``X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + body>`` with ``X-Timestamp: <unix
seconds>``; a timestamp more than ``tolerance`` seconds off is refused (replays)."""

import hashlib
import hmac

PREFIX = "sha256="


def signature(*, secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return PREFIX + digest.hexdigest()


def signed_headers(*, secret: str, body: bytes, now: float) -> dict[str, str]:
    timestamp = str(int(now))
    return {
        "X-Timestamp": timestamp,
        "X-Signature": signature(secret=secret, timestamp=timestamp, body=body),
    }


def check(
    *, secret: str, header: str, timestamp: str, body: bytes, now: float, tolerance: int
) -> str | None:
    """None when the signature is good, else the reason it is refused."""
    if not timestamp:
        return "X-Timestamp is required with X-Signature."
    try:
        sent_at = int(timestamp.strip())
    except ValueError:
        return "X-Timestamp must be unix seconds."
    if abs(now - sent_at) > tolerance:
        return f"X-Timestamp is more than {tolerance} s off."
    expected = signature(secret=secret, timestamp=timestamp.strip(), body=body)
    if not hmac.compare_digest(expected.encode(), header.strip().lower().encode("latin-1")):
        return "The signature does not match."
    return None
