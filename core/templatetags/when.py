"""Instants as people read them: relative ("5 min ago", "in 2 h") in the page, the absolute
time in the viewer's zone on hover, the ISO instant for scripts (static/js/itsm.js refreshes
``time.relative`` and ``time.countdown`` with the same wording)."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.html import format_html

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
    local = timezone.localtime(value)
    zone = local.tzinfo
    # As dateformat's "T": no name for a wall time that is ambiguous or skipped in the zone.
    ambiguous = zone.utcoffset(local.replace(fold=not local.fold)) != zone.utcoffset(local)
    name = "" if ambiguous else str(zone.tzname(local))
    return (
        f"{WEEKDAYS_ABBR[local.weekday()]} {local.day} {MONTHS_3[local.month].title()} "
        f"{local.year:04d}, {local.hour:02d}:{local.minute:02d} {name}"
    )


@register.filter
def when(value: datetime | None) -> str:
    """A ``<time>`` element: relative text, absolute time on hover."""
    if value is None:
        return ""
    return format_html(
        '<time class="relative" datetime="{}" title="{}">{}</time>',
        timezone.localtime(value).isoformat(),
        absolute(value),
        relative_text(value),
    )


@register.filter
def countdown(value: datetime | None, warn_at: datetime | None = None) -> str:
    """A ticking ``<time>`` for a running SLA target: time left, absolute due time on hover.
    ``warn_at`` (the SLA's own warning instant) lets the script turn it amber on time."""
    if value is None:
        return ""
    return format_html(
        '<time class="countdown" datetime="{}" data-warn="{}" title="due {}">{}</time>',
        timezone.localtime(value).isoformat(),
        timezone.localtime(warn_at).isoformat() if warn_at else "",
        absolute(value),
        countdown_text(value),
    )
