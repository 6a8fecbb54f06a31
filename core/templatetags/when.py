"""Instants as people read them: relative ("5 min ago", "in 2 h") in the page, the absolute
time in the viewer's zone on hover, the ISO instant for scripts (static/js/itsm.js refreshes
``time.relative`` and ``time.countdown`` with the same wording)."""

from datetime import datetime
from functools import lru_cache
from html import escape

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def _span(seconds: float) -> str:
    seconds = abs(seconds)
    if seconds < HOUR:
        return f"{int(seconds // MINUTE)} min"
    if seconds < DAY:
        return f"{int(seconds // HOUR)} h"
    return f"{int(seconds // DAY)} d"


def relative_text(value: datetime, now: datetime | None = None) -> str:
    """ "just now" within a minute, else "N min/h/d ago" or "in N min/h/d"."""
    seconds = (value - (now or timezone.now())).total_seconds()
    if abs(seconds) < MINUTE:
        return "just now"
    return f"in {_span(seconds)}" if seconds > 0 else f"{_span(seconds)} ago"


def countdown_text(due: datetime, now: datetime | None = None) -> str:
    """What is left before ``due``: "2h 5m left", or "overdue 1d 0h 3m" once it passed."""
    seconds = (due - (now or timezone.now())).total_seconds()
    minutes = int(abs(seconds) // MINUTE)
    days, hours, rest = minutes // 1440, (minutes % 1440) // 60, minutes % 60
    text = (f"{days}d " if days else "") + (f"{hours}h " if days or hours else "") + f"{rest}m"
    return f"{text} left" if seconds >= 0 else f"overdue {text}"


ABSOLUTE_FORMAT = "D j M Y, H:i T"


@register.filter
def absolute(value: datetime | None) -> str:
    """The instant in the active (viewer's) time zone, with the zone's name: what
    ``date_format(localtime(value), ABSOLUTE_FORMAT)`` writes, put together directly (a list
    page writes 25-100 of these; Django's general formatter was a tenth of its CPU).
    tests/core/test_when.py holds the two to the same text."""
    if value is None:
        return ""
    return _absolute_of(timezone.localtime(value))


@lru_cache(maxsize=32)
def _calendar_names(language: str | None) -> tuple[dict, dict]:
    """The language's day and month abbreviations: Django's are lazy strings, each shown one
    a translation lookup (two per instant, 150 a list page)."""
    days = {day: str(name) for day, name in WEEKDAYS_ABBR.items()}
    months = {month: str(name).title() for month, name in MONTHS_3.items()}
    return days, months


def _absolute_of(local: datetime) -> str:
    days, months = _calendar_names(get_language())
    zone = local.tzinfo
    # As dateformat's "T": no name for a wall time that is ambiguous or skipped in the zone.
    ambiguous = zone.utcoffset(local.replace(fold=not local.fold)) != zone.utcoffset(local)
    name = "" if ambiguous else str(zone.tzname(local))
    return (
        f"{days[local.weekday()]} {local.day} {months[local.month]} "
        f"{local.year:04d}, {local.hour:02d}:{local.minute:02d} {name}"
    )


# ``when`` and ``countdown`` write their element with an f-string and ``html.escape`` (what
# ``format_html`` does through ``conditional_escape``, without its lazy and safe-string
# checks; the list page writes up to 75 of them), the instant put in the zone once.
# tests/core/test_when.py holds them to the ``format_html`` they replaced.


@register.filter
def when(value: datetime | None) -> str:
    """A ``<time>`` element: relative text, absolute time on hover."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return mark_safe(  # noqa: S308 - every value escaped
        f'<time class="relative" datetime="{escape(local.isoformat())}" '
        f'title="{escape(_absolute_of(local))}">{escape(relative_text(value))}</time>'
    )


@register.filter
def countdown(value: datetime | None, warn_at: datetime | None = None) -> str:
    """A ticking ``<time>`` for a running SLA target: time left, absolute due time on hover.
    ``warn_at`` (the SLA's own warning instant) lets the script turn it amber on time."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    warn = timezone.localtime(warn_at).isoformat() if warn_at else ""
    return mark_safe(  # noqa: S308 - every value escaped
        f'<time class="countdown" datetime="{escape(local.isoformat())}" '
        f'data-warn="{escape(warn)}" title="due {escape(_absolute_of(local))}">'
        f"{escape(countdown_text(value))}</time>"
    )
