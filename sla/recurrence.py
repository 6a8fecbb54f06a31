"""When a recurring reminder fires next. Pure.

Occurrences keep their local wall time in the reminder's time zone, so a daily 09:00 reminder
stays at 09:00 across a DST change; a monthly one on the 31st falls on the last day of shorter
months (and returns to the 31st when it can: occurrences count from the first trigger).
"""

import calendar as _calendar
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

NONE = "none"
DAILY = "daily"
WEEKLY = "weekly"
MONTHLY = "monthly"
FREQUENCIES = (NONE, DAILY, WEEKLY, MONTHLY)


def _add_months(local: datetime, months: int) -> datetime:
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, _calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def occurrence(first: datetime, frequency: str, interval: int, n: int, tz: str) -> datetime:
    """The n-th occurrence (0 = ``first``) as a UTC instant."""
    local = first.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    step = n * interval
    if frequency == DAILY:
        local = local + timedelta(days=step)
    elif frequency == WEEKLY:
        local = local + timedelta(weeks=step)
    elif frequency == MONTHLY:
        local = _add_months(local, step)
    elif n:
        raise ValueError("A one-off reminder has no further occurrences.")
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def next_occurrence(
    *,
    first: datetime,
    frequency: str,
    interval: int,
    after: datetime,
    until: datetime | None,
    tz: str = "UTC",
) -> datetime | None:
    """The first occurrence strictly after ``after``, or None when the series has ended."""
    if frequency == NONE:
        return None
    if interval < 1:
        raise ValueError("The interval is at least 1.")
    n = 0
    # Jump close to ``after`` first: a long-running daily series does not walk every day.
    span_days = max((after - first).days, 0)
    per_step_days = {DAILY: 1, WEEKLY: 7, MONTHLY: 28}[frequency] * interval
    if frequency != MONTHLY:
        n = max(span_days // per_step_days - 1, 0)
    else:
        n = max(span_days // (31 * interval) - 1, 0)
    candidate = occurrence(first, frequency, interval, n, tz)
    while candidate <= after:
        n += 1
        candidate = occurrence(first, frequency, interval, n, tz)
    if until is not None and candidate > until:
        return None
    return candidate
