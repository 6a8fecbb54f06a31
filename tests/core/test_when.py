"""``absolute`` writes what Django's ``date_format`` wrote with its format, in every zone, on
both sides of daylight-saving changes (where a wall time is ambiguous the zone's name is left
out, as ``dateformat`` does); ``when`` and ``countdown`` write what ``format_html`` wrote."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.templatetags.when import (
    ABSOLUTE_FORMAT,
    absolute,
    countdown,
    countdown_text,
    relative_text,
    when,
)

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
]
# Around the 2026 changes of Europe and North America (and the southern ones in April).
STARTS = [
    datetime(2026, 3, 7, 20, tzinfo=UTC),
    datetime(2026, 3, 28, 20, tzinfo=UTC),
    datetime(2026, 4, 4, 10, tzinfo=UTC),
    datetime(2026, 10, 24, 20, tzinfo=UTC),
    datetime(2026, 10, 31, 20, tzinfo=UTC),
    datetime(1999, 12, 31, 22, 59, 59, tzinfo=UTC),
]


@pytest.mark.parametrize("zone", ZONES)
def test_absolute_is_date_format(zone):
    checked = 0
    with timezone.override(zone):
        for start in STARTS:
            for step in range(0, 30 * 60, 7):  # every 7 minutes over 30 hours
                instant = start + timedelta(minutes=step, seconds=step % 60)
                expected = date_format(timezone.localtime(instant), ABSOLUTE_FORMAT)
                assert absolute(instant) == expected, instant
                checked += 1
    assert checked > 1000
    assert absolute(None) == ""


def when_as_it_was(value):
    """``when`` before it was written with an f-string."""
    return format_html(
        '<time class="relative" datetime="{}" title="{}">{}</time>',
        timezone.localtime(value).isoformat(),
        absolute(value),
        relative_text(value),
    )


def countdown_as_it_was(value, warn_at=None):
    """``countdown`` before it was written with an f-string."""
    return format_html(
        '<time class="countdown" datetime="{}" data-warn="{}" title="due {}">{}</time>',
        timezone.localtime(value).isoformat(),
        timezone.localtime(warn_at).isoformat() if warn_at else "",
        absolute(value),
        countdown_text(value),
    )


@pytest.mark.parametrize("zone", ZONES)
def test_when_and_countdown_write_what_format_html_wrote(zone):
    now = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    offsets = [timedelta(seconds=s) for s in (-90_000, -3_599, -30, 0, 59, 61, 7_300, 400_000)]
    with time_machine.travel(now, tick=False), timezone.override(zone):
        for start in (now, *STARTS):
            for offset in offsets:
                instant = start + offset
                assert when(instant) == when_as_it_was(instant)
                assert isinstance(when(instant), SafeString)
                for warn_at in (None, instant - timedelta(hours=1)):
                    written = countdown(instant, warn_at)
                    assert written == countdown_as_it_was(instant, warn_at), instant
                    assert isinstance(written, SafeString)
    assert when(None) == "" and countdown(None) == ""


@pytest.mark.parametrize("language", ["de", "fr", "en"])
def test_absolute_names_days_and_months_in_the_active_language(language):
    """The day and month names are kept per language, not the first one asked for."""
    instants = [datetime(2026, month, 3 + month, 9, tzinfo=UTC) for month in range(1, 13)]
    with translation.override(language), timezone.override("Europe/Berlin"):
        for instant in instants:
            expected = date_format(timezone.localtime(instant), ABSOLUTE_FORMAT)
            assert absolute(instant) == expected
