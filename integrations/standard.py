"""StandardTicket (API.md) and the small, pure helpers every source plugin maps with.

No ORM here: a plugin turns a foreign payload into an ``InboundEvent`` (a StandardTicket plus
the comments that came with it) or raises ``PayloadError`` with field messages (400)."""

import html
import math
import re
import zoneinfo
from dataclasses import dataclass, field
from functools import cache

import nh3

from tickets.crm import CRM_ID_MAX, CRM_ID_RULE, is_crm_id
from tickets.priority import derive_priority as derive

PRIORITIES = ("critical", "high", "medium", "low")
TICKET_TYPES = ("incident", "request", "change", "problem")
TITLE_MAX = 300
CATEGORY_MAX = 100
EXTERNAL_ID_MAX = 200
NAME_MAX = 200
DESCRIPTION_MAX = 200_000


class PayloadError(Exception):
    """The payload cannot become a ticket; ``errors`` is field -> messages (a 400)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


@dataclass(frozen=True)
class Person:
    email: str = ""
    name: str = ""
    crm_id: str = ""  # the requester's id in the CRM (ITSM_CRM_NAME): matched before the e-mail


@dataclass(frozen=True)
class Place:
    lat: float | None = None
    lng: float | None = None
    timezone: str = ""


@dataclass(frozen=True)
class StandardTicket:
    ticket_id: str
    title: str
    source: str = ""
    ticket_number: str = ""
    description: str = ""
    category: str = ""
    priority: str | None = None  # None: derived from urgency x impact
    type: str = "incident"
    urgency: str = ""
    impact: str = ""
    requester: Person = field(default_factory=Person)
    requester_location: Place | None = None
    external_metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Comment:
    """A comment that arrived with the payload. ``internal`` ones (work notes, Jira internal
    comments, GLPI private followups) become internal timeline entries, never public."""

    content: str
    internal: bool
    external_id: str = ""
    author: Person = field(default_factory=Person)


CREATE = "create"
UPDATE = "update"


@dataclass(frozen=True)
class InboundEvent:
    """What a source plugin makes of one delivery. ``kind`` is CREATE (a new record: a copy
    of a known one is a duplicate) or UPDATE (changes a known ticket; creates an unknown one,
    since sources deliver out of order)."""

    ticket: StandardTicket
    kind: str = CREATE
    comments: tuple[Comment, ...] = ()


# --- coercion helpers ------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_str(value: str) -> str:
    """Drop NUL and other control characters (PostgreSQL refuses NUL) and lone surrogates."""
    return _SURROGATE.sub("", _CONTROL.sub("", value))


def clean_data(value, depth: int = 0):
    """A JSON value with every string cleaned (kept in external_metadata); deep nesting is cut."""
    if depth > 20:
        return None
    if isinstance(value, str):
        return clean_str(value)
    if isinstance(value, dict):
        return {clean_str(str(k)): clean_data(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_data(v, depth + 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class Fields:
    """Collects field errors while reading a payload; ``done()`` raises them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def done(self) -> None:
        if self.errors:
            raise PayloadError(self.errors)

    def text(
        self, name: str, value, *, required: bool = False, max_length: int | None = None
    ) -> str:
        """A string from a string or a number; anything else is a field error."""
        if value is None or value == "":
            if required:
                self.error(name, "This field is required.")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(name, "Must be a string.")
            return ""
        result = clean_str(str(value)).strip()
        if required and not result:
            self.error(name, "This field is required.")
        if max_length is not None and len(result) > max_length:
            self.error(name, f"At most {max_length} characters.")
            return ""
        return result

    def mapping(self, name: str, value) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(name, "Must be an object.")
            return {}
        return value

    def level(self, name: str, value) -> str:
        """Urgency / impact: '1'..'5' (numbers, '2 - Medium' style strings accepted)."""
        if value is None or value == "":
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(name, "Must be a level from 1 to 5.")
            return ""
        match = re.match(r"\s*([1-5])(?:\D.*)?$", str(value))
        if not match:
            self.error(name, "Must be a level from 1 to 5.")
            return ""
        return match.group(1)

    def priority(self, name: str, value) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str) or value.strip().lower() not in PRIORITIES:
            self.error(name, f"Must be one of: {', '.join(PRIORITIES)}.")
            return None
        return value.strip().lower()

    def crm_id(self, name: str, value) -> str:
        """A CRM record id (tickets.crm), or "" for none."""
        text = self.text(name, value, max_length=CRM_ID_MAX)
        if text and not is_crm_id(text):
            self.error(name, CRM_ID_RULE)
            return ""
        return text

    def email(self, name: str, value) -> str:
        address = self.text(name, value, max_length=254)
        if address and not is_email(address):
            self.error(name, "Enter a valid e-mail address.")
            return ""
        return address.lower()

    def place(self, name: str, lat, lng, tz) -> Place | None:
        """A location; invalid coordinates or an unknown time zone are field errors."""
        latitude = self.coordinate(f"{name}.lat", lat, 90)
        longitude = self.coordinate(f"{name}.lng", lng, 180)
        zone = self.text(f"{name}.timezone", tz, max_length=64)
        if zone and zone not in known_timezones():
            self.error(f"{name}.timezone", f"'{zone}' is not a known IANA time zone.")
            zone = ""
        if (latitude is None) != (longitude is None):
            self.error(name, "Give both lat and lng, or neither.")
            return None
        if latitude is None and not zone:
            return None
        return Place(lat=latitude, lng=longitude, timezone=zone)

    def coordinate(self, name: str, value, bound: float) -> float | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(name, "Must be a number.")
            return None
        try:
            number = float(str(value).strip())
        except ValueError:
            self.error(name, "Must be a number.")
            return None
        if not math.isfinite(number) or not -bound <= number <= bound:
            self.error(name, f"Must be between -{bound} and {bound}.")
            return None
        return number


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


_EMAIL = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:]+$")


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value)) and len(value) <= 254


def shorten(value: str, limit: int) -> str:
    """Cut a text to ``limit`` characters (titles from sources are not refused for length)."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


_BLOCK_END = re.compile(r"<\s*(br\s*/?|/p|/div|/li|/tr|/h[1-6])\s*>", re.IGNORECASE)


def html_to_text(value: str, *, escaped: bool = False) -> str:
    """HTML (optionally itself HTML-escaped, as GLPI sends it) to plain text: entities
    unescaped first, then sanitised with nh3 down to no tags at all (script and style content
    dropped), block ends kept as line breaks."""
    if escaped:
        value = html.unescape(value)
    value = _BLOCK_END.sub("\n", clean_str(value))
    text = html.unescape(nh3.clean(value, tags=set(), attributes={}))
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def adf_to_text(node) -> str:
    """Jira Cloud's Atlassian Document Format (a dict tree) to plain text."""
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return "".join(adf_to_text(child) for child in node)
    if not isinstance(node, dict):
        return ""
    if node.get("type") == "text":
        return str(node.get("text", ""))
    if node.get("type") == "hardBreak":
        return "\n"
    inner = adf_to_text(node.get("content", []))
    if node.get("type") in ("paragraph", "heading", "listItem", "codeBlock", "blockquote"):
        return inner + "\n"
    return inner


def derive_priority(urgency: str, impact: str) -> str:
    """ITIL matrix (the same rule as tickets.priority, kept pure for the plugins)."""
    return derive(urgency, impact)


def unmapped(payload: dict, mapped: set[str]) -> dict:
    """The payload's keys a plugin did not map, cleaned, for external_metadata."""
    return {k: clean_data(v) for k, v in payload.items() if k not in mapped}
