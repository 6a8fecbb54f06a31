"""Business-time arithmetic. Pure: no ORM, no clock, no settings.

A ``Calendar`` is a weekly pattern of working windows in one IANA time zone, minus closed
dates (public holidays from the ``holidays`` package by country and region, plus custom
dates). Every window is turned into real instants through the time zone, so a day on which
the clocks change has as many working minutes as really elapse in it: a 09:00-17:00 window is
always 8 hours, a 00:00-24:00 window is 23 hours in spring and 25 in autumn.

Instants going in must be timezone-aware; instants coming out are in UTC.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

MINUTES_PER_DAY = 24 * 60
# How far ahead arithmetic may look for working time before it gives up (a calendar whose
# every day is closed, say); three years is far beyond any SLA target.
MAX_DAYS = 3 * 366

Window = tuple[int, int]  # minutes after local midnight: [start, end), end up to 1440


class CalendarError(ValueError):
    """The calendar cannot answer: no working time at all, or an unknown zone/country."""


@dataclass(frozen=True)
class Calendar:
    """Working windows per weekday (0 = Monday), in ``timezone``; ``always_open`` is 24x7
    (no windows, no holidays: every minute counts)."""

    timezone: str = "UTC"
    hours: Mapping[int, tuple[Window, ...]] = field(default_factory=dict)
    always_open: bool = False
    holiday_country: str = ""
    holiday_subdivision: str = ""
    closed_dates: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (KeyError, ValueError) as error:
            raise CalendarError(f"Unknown time zone {self.timezone!r}.") from error
        if self.always_open:
            return
        for weekday, windows in self.hours.items():
            if weekday not in range(7):
                raise CalendarError(f"Weekday {weekday} is not 0 (Monday) to 6 (Sunday).")
            for start, end in windows:
                if not 0 <= start < end <= MINUTES_PER_DAY:
                    raise CalendarError(f"Window {start}-{end} is not within one day.")
        if not any(self.hours.values()):
            raise CalendarError("A calendar needs working hours on at least one weekday.")
        if self.holiday_country:
            holiday_dates(self.holiday_country, self.holiday_subdivision, 2000)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_closed(self, day: date) -> bool:
        if day in self.closed_dates:
            return True
        if self.holiday_country:
            return day in holiday_dates(self.holiday_country, self.holiday_subdivision, day.year)
        return False


TWENTY_FOUR_SEVEN = Calendar(always_open=True)


@lru_cache(maxsize=256)
def holiday_dates(country: str, subdivision: str, year: int) -> frozenset[date]:
    """Public holidays of a country (and region) in one year."""
    try:
        calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    except NotImplementedError as error:  # the package's answer to an unknown country/region
        raise CalendarError(str(error)) from error
    return frozenset(calendar.keys())


def _require_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("Business-time arithmetic needs timezone-aware datetimes.")


def _instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """Local wall time ``minute`` after midnight of ``day`` as a UTC instant. 1440 is the next
    midnight. A wall time skipped by a DST change resolves as zoneinfo does (fold=0)."""
    if minute >= MINUTES_PER_DAY:
        day, minute = day + timedelta(days=1), minute - MINUTES_PER_DAY
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    return local.astimezone(UTC)


def working_windows(calendar: Calendar, day: date) -> Iterator[tuple[datetime, datetime]]:
    """The working windows of one local day, as UTC instants, in order."""
    if calendar.is_closed(day):
        return
    zone = calendar.zone
    for start, end in sorted(calendar.hours.get(day.weekday(), ())):
        opens, closes = _instant(day, start, zone), _instant(day, end, zone)
        if closes > opens:
            yield opens, closes


def add_business_minutes(calendar: Calendar, start: datetime, minutes: float) -> datetime:
    """The earliest instant by which ``minutes`` working minutes have passed since ``start``."""
    _require_aware(start)
    start = start.astimezone(UTC)
    if minutes <= 0:
        return start
    remaining = timedelta(minutes=minutes)
    if calendar.always_open:
        return start + remaining
    day = start.astimezone(calendar.zone).date()
    for _ in range(MAX_DAYS):
        for opens, closes in working_windows(calendar, day):
            opens = max(opens, start)
            if closes <= opens:
                continue
            span = closes - opens
            if remaining <= span:
                return opens + remaining
            remaining -= span
        day += timedelta(days=1)
    raise CalendarError(f"No working time within {MAX_DAYS} days of {start.isoformat()}.")


def business_minutes_between(calendar: Calendar, start: datetime, end: datetime) -> float:
    """Working minutes in [start, end); 0 when end is not after start."""
    _require_aware(start)
    _require_aware(end)
    if end <= start:
        return 0.0
    if calendar.always_open:
        return (end - start).total_seconds() / 60
    zone = calendar.zone
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    total = timedelta(0)
    while day <= last:
        for opens, closes in working_windows(calendar, day):
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total.total_seconds() / 60


def is_working_time(calendar: Calendar, instant: datetime) -> bool:
    _require_aware(instant)
    if calendar.always_open:
        return True
    day = instant.astimezone(calendar.zone).date()
    return any(opens <= instant < closes for opens, closes in working_windows(calendar, day))
