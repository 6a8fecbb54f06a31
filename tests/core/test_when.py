"""``absolute`` writes what Django's ``date_format`` wrote with its format, in every zone, on
both sides of daylight-saving changes (where a wall time is ambiguous the zone's name is left
out, as ``dateformat`` does)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format

from core.templatetags.when import ABSOLUTE_FORMAT, absolute

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
