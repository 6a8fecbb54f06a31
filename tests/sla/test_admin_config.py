"""SLA configuration without JSON: escalation actions as rows, working hours as a weekly grid,
closed dates imported from an iCalendar file, and the policy page's preview of the due times of
a ticket created now (moved by a new closed date)."""

from datetime import UTC, datetime, time

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditLog
from sla.models import CalendarDate, SLAPolicy
from tests.pages.inline import inline_code
from tests.sla.factories import CalendarFactory, PolicyFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday


def policy_form(policy: SLAPolicy, **rows) -> dict:
    form = {
        "name": policy.name,
        "is_active": "on",
        "calendar": policy.calendar_id,
        "first_response_minutes": policy.first_response_minutes,
        "resolution_minutes": policy.resolution_minutes,
        "warning_percent": policy.warning_percent,
    }
    return form | rows


def test_escalation_rows_round_trip_exactly(client, admin_user):
    policy = PolicyFactory(
        escalation_actions=[
            {"at": "warning", "notify": ["owner"]},
            {"at": "breach", "notify": ["owner", "team", "managers"]},
        ]
    )
    client.force_login(admin_user)
    url = reverse("admin:sla_slapolicy_change", args=[policy.pk])
    page = client.get(url).content.decode()
    assert 'name="escalation_actions-TOTAL" value="3"' in page  # two rows and a blank one
    assert '<option value="breach" selected>' in page
    assert inline_code(page) == []

    # What the page shows, posted back unchanged, stores the same list.
    same = {
        "escalation_actions-TOTAL": "3",
        "escalation_actions-0-at": "warning",
        "escalation_actions-0-notify": ["owner"],
        "escalation_actions-1-at": "breach",
        "escalation_actions-1-notify": ["managers", "team", "owner"],
        "escalation_actions-2-at": "",
    }
    assert client.post(url, policy_form(policy, **same)).status_code == 302
    policy.refresh_from_db()
    assert policy.escalation_actions == [
        {"at": "warning", "notify": ["owner"]},
        {"at": "breach", "notify": ["owner", "team", "managers"]},
    ]

    # Remove the first row, add one in the blank row.
    edited = same | {
        "escalation_actions-0-DELETE": "on",
        "escalation_actions-2-at": "warning",
        "escalation_actions-2-notify": ["team"],
    }
    assert client.post(url, policy_form(policy, **edited)).status_code == 302
    policy.refresh_from_db()
    assert policy.escalation_actions == [
        {"at": "breach", "notify": ["owner", "team", "managers"]},
        {"at": "warning", "notify": ["team"]},
    ]
    assert AuditLog.objects.filter(action="sla.policy_changed").count() == 2


def test_an_incomplete_escalation_row_is_refused_with_its_number(client, admin_user):
    policy = PolicyFactory()
    client.force_login(admin_user)
    rows = {
        "escalation_actions-TOTAL": "2",
        "escalation_actions-0-at": "warning",
        "escalation_actions-0-notify": ["owner"],
        "escalation_actions-1-at": "breach",
    }
    url = reverse("admin:sla_slapolicy_change", args=[policy.pk])

    response = client.post(url, policy_form(policy, **rows))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["escalation_actions"]
    assert errors == ["Row 2: choose who is notified."]
    policy.refresh_from_db()
    assert policy.escalation_actions == [
        {"at": "warning", "notify": ["owner"]},
        {"at": "breach", "notify": ["owner", "managers"]},
    ]


def calendar_form(calendar, week: dict, **extra) -> dict:
    form = {
        "name": calendar.name,
        "slug": calendar.slug,
        "timezone": calendar.timezone,
        "holiday_country": "",
        "holiday_subdivision": "",
        "weekly_hours-SLOTS": "3",
        "closed_dates-TOTAL_FORMS": "0",
        "closed_dates-INITIAL_FORMS": "0",
        "closed_dates-MIN_NUM_FORMS": "0",
        "closed_dates-MAX_NUM_FORMS": "1000",
    }
    for day, ranges in week.items():
        for slot, (starts, ends) in enumerate(ranges):
            form[f"weekly_hours-{day}-{slot}-starts"] = starts
            form[f"weekly_hours-{day}-{slot}-ends"] = ends
    return form | extra


def hours_of(calendar) -> list[tuple[int, time, time]]:
    return [(h.weekday, h.starts, h.ends) for h in calendar.hours.order_by("weekday", "starts")]


def test_the_weekly_grid_round_trips(client, admin_user):
    calendar = CalendarFactory(always_open=False, weekdays_9_to_5=True)
    client.force_login(admin_user)
    url = reverse("admin:sla_businesscalendar_change", args=[calendar.pk])
    page = client.get(url).content.decode()
    assert 'name="weekly_hours-0-0-starts" value="09:00"' in page
    assert 'name="weekly_hours-4-0-ends" value="17:00"' in page
    assert 'name="weekly_hours-5-0-starts" value=""' in page
    assert inline_code(page) == []

    week = {
        0: [("08:00", "12:00"), ("13:00", "17:30")],
        2: [("09:00", "00:00")],
        5: [("10:00", "14:00")],
    }
    response = client.post(url, calendar_form(calendar, week))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert hours_of(calendar) == [
        (0, time(8), time(12)),
        (0, time(13), time(17, 30)),
        (2, time(9), time(0)),
        (5, time(10), time(14)),
    ]
    page = client.get(url).content.decode()
    assert 'name="weekly_hours-0-1-ends" value="17:30"' in page
    assert 'name="weekly_hours-2-0-ends" value="00:00"' in page
    assert AuditLog.objects.filter(action="sla.calendar_changed").exists()


def test_a_bad_week_is_refused_with_the_day_and_nothing_changes(client, admin_user):
    calendar = CalendarFactory(always_open=False, weekdays_9_to_5=True)
    client.force_login(admin_user)
    url = reverse("admin:sla_businesscalendar_change", args=[calendar.pk])
    week = {
        0: [("09:00", "12:00"), ("11:00", "15:00")],
        1: [("17:00", "09:00")],
        3: [("09:00", "")],
    }

    response = client.post(url, calendar_form(calendar, week))

    errors = response.context["adminform"].form.errors["weekly_hours"]
    assert errors == ["Thursday 09:00-?: give both a start and an end."]
    week.pop(3)
    response = client.post(url, calendar_form(calendar, week))
    errors = response.context["adminform"].form.errors["weekly_hours"]
    assert errors == [
        "Monday: the ranges overlap.",
        "Tuesday 17:00-09:00: must end after it starts.",
    ]
    assert len(hours_of(calendar)) == 5


ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Holidays//EN\r\n"
    "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261227\r\n"
    "SUMMARY:Christmas\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:b\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:New Year\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def ics(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("holidays.ics", text.encode(), content_type="text/calendar")


def test_closed_dates_are_imported_from_an_ics_file(client, admin_user):
    calendar = CalendarFactory(always_open=False, weekdays_9_to_5=True)
    CalendarDate.objects.create(calendar=calendar, date=datetime(2027, 1, 1).date(), name="NY")
    client.force_login(admin_user)
    url = reverse("admin:sla_businesscalendar_change", args=[calendar.pk])
    week = {day: [("09:00", "17:00")] for day in range(5)}

    response = client.post(url, calendar_form(calendar, week, holidays_file=ics(ICS)), follow=True)

    assert response.status_code == 200
    closed = list(calendar.closed_dates.order_by("date").values_list("date", "name"))
    assert [(d.isoformat(), n) for d, n in closed] == [
        ("2026-12-25", "Christmas"),
        ("2026-12-26", "Christmas"),
        ("2027-01-01", "NY"),
    ]
    assert "Closed 2 new date(s) from the file (1 already closed)." in response.content.decode()
    audit = AuditLog.objects.get(action="sla.closed_dates_added")
    assert audit.data["dates"] == ["2026-12-25", "2026-12-26"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("just some text", "Not an iCalendar (.ics) file"),
        ("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "The file has no events (VEVENT) with a date."),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026122\r\nSUMMARY:Oops\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n",
            "Event 1 (Oops): DTSTART cannot be read",
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\n"
            "RRULE:FREQ=YEARLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "Event 1 repeats (RRULE): list each date as its own event.",
        ),
    ],
)
def test_a_bad_ics_file_is_refused_with_a_clear_message(client, admin_user, text, message):
    calendar = CalendarFactory(always_open=False, weekdays_9_to_5=True)
    client.force_login(admin_user)
    url = reverse("admin:sla_businesscalendar_change", args=[calendar.pk])
    week = {day: [("09:00", "17:00")] for day in range(5)}

    response = client.post(url, calendar_form(calendar, week, holidays_file=ics(text)))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["holidays_file"]
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert not calendar.closed_dates.exists()


def test_the_policy_page_previews_due_times_and_a_closed_day_moves_them(client, admin_user):
    calendar = CalendarFactory(always_open=False, weekdays_9_to_5=True, timezone="Europe/London")
    policy = PolicyFactory(calendar=calendar, first_response_minutes=60, resolution_minutes=480)
    client.force_login(admin_user)
    url = reverse("admin:sla_slapolicy_change", args=[policy.pk])

    with time_machine.travel(NOW, tick=False):
        before = client.get(url).content.decode()
        CalendarDate.objects.create(calendar=calendar, date=NOW.date(), name="Closed Monday")
        after = client.get(url).content.decode()

    assert '<dd data-due="first_response_due">Mon 2026-03-02 11:00 GMT</dd>' in before
    assert '<dd data-due="resolution_due">Tue 2026-03-03 10:00 GMT</dd>' in before
    assert '<dd data-due="first_response_due">Tue 2026-03-03 10:00 GMT</dd>' in after
    assert '<dd data-due="resolution_due">Tue 2026-03-03 17:00 GMT</dd>' in after
    assert inline_code(after) == []
