"""Closed dates from an iCalendar (.ics) file, the format holiday feeds and calendar apps
export. Strict: a file that is not iCalendar, an event whose start is not a date, a recurring
event (its dates would need expanding; list each date instead) or a file without any event is
refused with a message saying which; nothing is half-read. Pure: no ORM."""

from datetime import date, datetime, timedelta

import icalendar

MAX_BYTES = 1024 * 1024
MAX_DATES = 2000
# An all-day event may span days (DTEND is exclusive); a longer one is a mistake, not a holiday.
MAX_SPAN_DAYS = 31


class HolidayFileError(ValueError):
    """The file cannot be read as a list of closed dates; the message says why."""


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _event_dates(event, number: int) -> list[tuple[date, str]]:
    name = str(event.get("SUMMARY", "")).strip()
    label = f"Event {number}" + (f" ({name})" if name else "")
    if event.errors:
        prop, problem = event.errors[0]
        raise HolidayFileError(f"{label}: {prop} cannot be read ({problem}).")
    if "RRULE" in event or "RDATE" in event:
        raise HolidayFileError(f"{label} repeats (RRULE): list each date as its own event.")
    if "DTSTART" not in event:
        raise HolidayFileError(f"{label} has no start date (DTSTART).")
    start = _day(event.decoded("DTSTART"))
    if start is None:
        raise HolidayFileError(f"{label}: DTSTART is not a date.")
    end = _day(event.decoded("DTEND")) if "DTEND" in event else None
    is_all_day = not isinstance(event.decoded("DTSTART"), datetime)
    if end is None or not is_all_day or end <= start:
        return [(start, name)]
    if (end - start).days > MAX_SPAN_DAYS:
        raise HolidayFileError(f"{label} spans more than {MAX_SPAN_DAYS} days.")
    return [(start + timedelta(days=n), name) for n in range((end - start).days)]


def parse_holidays(content: bytes) -> list[tuple[date, str]]:
    """The dates (with the event's summary) of every VEVENT in the file, in date order."""
    if len(content) > MAX_BYTES:
        raise HolidayFileError(f"The file is over {MAX_BYTES // 1024} KB.")
    try:
        calendar = icalendar.Calendar.from_ical(content)
    except ValueError as error:
        raise HolidayFileError(f"Not an iCalendar (.ics) file: {error}") from error
    if calendar.name != "VCALENDAR":
        raise HolidayFileError("Not an iCalendar (.ics) file: it does not begin with VCALENDAR.")
    dates: dict[date, str] = {}
    for number, event in enumerate(calendar.walk("VEVENT"), 1):
        for day, name in _event_dates(event, number):
            dates.setdefault(day, name)
    if not dates:
        raise HolidayFileError("The file has no events (VEVENT) with a date.")
    if len(dates) > MAX_DATES:
        raise HolidayFileError(f"The file has over {MAX_DATES} dates.")
    return sorted(dates.items())
