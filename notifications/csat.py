"""Signed satisfaction links. The token carries the ticket and its requester, signed with the
project's SECRET_KEY (django.core.signing) under its own salt; a changed token does not verify."""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from notifications.rendering import site_url

SALT = "notifications.csat"
MAX_AGE_SECONDS = 60 * 60 * 24 * 30  # a link is good for 30 days


@dataclass(frozen=True)
class CsatClaim:
    ticket_id: str
    contact_id: int


class InvalidCsatToken(Exception):
    """The link was changed, or made for something else."""


class ExpiredCsatToken(InvalidCsatToken):
    """The link is genuine but older than MAX_AGE_SECONDS."""


def make_token(ticket) -> str:
    return signing.dumps({"t": str(ticket.pk), "c": ticket.requester_id}, salt=SALT, compress=False)


def read_token(token: str, *, max_age: int = MAX_AGE_SECONDS) -> CsatClaim:
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredCsatToken("This rating link has expired.") from error
    except signing.BadSignature as error:
        raise InvalidCsatToken("This rating link is not valid.") from error
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise InvalidCsatToken("This rating link is not valid.")
    if not isinstance(data.get("c"), int):
        raise InvalidCsatToken("This rating link is not valid.")
    return CsatClaim(ticket_id=data["t"], contact_id=data["c"])


def csat_link(ticket) -> str:
    """Absolute URL of the rating page for the ticket's requester."""
    return site_url(reverse("notifications:csat", kwargs={"token": make_token(ticket)}))
