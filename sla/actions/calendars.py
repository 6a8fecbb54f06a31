"""Business calendars from the admin: the calendar with its weekly hours in one save, and
closed dates added in bulk (an iCalendar import). Audited; open clocks recomputed after the
commit, as for every calendar change (sla.actions.policies.calendar_changed)."""

from collections.abc import Iterable, Mapping
from datetime import date, time
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import record_audit
from core.exceptions import DomainValidationError
from sla.actions.policies import calendar_changed
from sla.models import BusinessCalendar, CalendarDate, Weekday, WorkingHours

WeeklyHours = Mapping[int, list[tuple[time, time]]]


def weekly_hours_problems(hours: WeeklyHours, *, always_open: bool = False) -> list[str]:
    """What is wrong with a week of working windows: a window that ends before it starts, two
    that overlap on one day, no working time at all (unless the calendar is always open)."""
    problems = []
    for day, windows in sorted(hours.items()):
        label = Weekday(day).label
        spans = []
        for starts, ends in windows:
            row = WorkingHours(weekday=day, starts=starts, ends=ends)
            try:
                row.clean()
            except ValidationError:
                problems.append(f"{label} {starts:%H:%M}-{ends:%H:%M}: must end after it starts.")
                continue
            spans.append(row.window)
        spans.sort()
        if any(start < end for (_, end), (start, _) in pairwise(spans)):
            problems.append(f"{label}: the ranges overlap.")
    if not always_open and not any(hours.values()):
        problems.append("Give working hours on at least one day, or make the calendar 24x7.")
    return problems


@transaction.atomic
def save_calendar(
    *, actor, calendar: BusinessCalendar, hours: WeeklyHours | None
) -> BusinessCalendar:
    """Create or change a calendar; with ``hours``, its working windows are replaced by them
    (weekday 0 = Monday -> [(starts, ends), ...]; ends 00:00 is midnight at the day's end)."""
    try:
        calendar.full_clean()
    except ValidationError as error:
        raise DomainValidationError(error.message_dict) from error
    rows = None
    if hours is not None:
        problems = weekly_hours_problems(hours, always_open=calendar.always_open)
        if problems:
            raise DomainValidationError({"hours": problems})
        rows = [
            WorkingHours(weekday=day, starts=starts, ends=ends)
            for day, windows in sorted(hours.items())
            for starts, ends in windows
        ]
    created = calendar.pk is None
    if not created:
        BusinessCalendar.objects.select_for_update().filter(pk=calendar.pk).first()
    calendar.save()
    if rows is not None:
        calendar.hours.all().delete()
        for row in rows:
            row.calendar = calendar
        WorkingHours.objects.bulk_create(rows)
    if created:
        record_audit(actor=actor, action="sla.calendar_created", data={"calendar": calendar.slug})
    else:
        calendar_changed(actor=actor, calendar=calendar)
    return calendar


@transaction.atomic
def add_closed_dates(
    *, actor, calendar: BusinessCalendar, dates: Iterable[tuple[date, str]]
) -> list[CalendarDate]:
    """Close the calendar on these dates (a holiday file's events); dates already closed are
    left as they are. Returns the rows added."""
    BusinessCalendar.objects.select_for_update().filter(pk=calendar.pk).first()
    known = set(calendar.closed_dates.values_list("date", flat=True))
    added: dict[date, CalendarDate] = {}
    for day, name in dates:
        if day not in known and day not in added:
            added[day] = CalendarDate(calendar=calendar, date=day, name=name[:120])
    CalendarDate.objects.bulk_create(sorted(added.values(), key=lambda row: row.date))
    if added:
        record_audit(
            actor=actor,
            action="sla.closed_dates_added",
            data={"calendar": calendar.slug, "dates": [d.isoformat() for d in sorted(added)]},
        )
        calendar_changed(actor=actor, calendar=calendar)
    return list(added.values())
