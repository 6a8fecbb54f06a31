"""Business calendars: the working week as a grid, closed dates by date (inline, or imported
from an iCalendar file). Saves go through sla.actions.calendars, which audits and recomputes
the open clocks; so do the working-hours and closed-date pages of their own."""

from datetime import time

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from core.admin_mixins import ConfigHistoryAdminMixin
from sla.actions import calendars, policies
from sla.admin.fields import WeeklyHoursField, check_week
from sla.holiday_files import MAX_BYTES, HolidayFileError, parse_holidays
from sla.models import BusinessCalendar, CalendarDate, WorkingHours

OFFICE_WEEK = {day: [(time(9), time(17))] for day in range(5)}


class BusinessCalendarForm(forms.ModelForm):
    weekly_hours = WeeklyHoursField(label="Working hours")
    holidays_file = forms.FileField(
        required=False,
        label="Import closed dates",
        help_text="An iCalendar (.ics) file: each event's date (all of an all-day event's days) "
        "becomes a closed date when you save. Dates already closed are kept.",
    )

    class Meta:
        model = BusinessCalendar
        fields = [
            "name",
            "slug",
            "timezone",
            "always_open",
            "holiday_country",
            "holiday_subdivision",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            week: dict[int, list] = {}
            for row in self.instance.hours.all():
                week.setdefault(row.weekday, []).append((row.starts, row.ends))
            self.initial["weekly_hours"] = week
        else:
            self.initial["weekly_hours"] = OFFICE_WEEK

    def clean_holidays_file(self) -> list:
        upload = self.cleaned_data.get("holidays_file")
        if not upload:
            return []
        try:
            return parse_holidays(upload.read(MAX_BYTES + 1))
        except HolidayFileError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        if "weekly_hours" in cleaned:
            try:
                check_week(cleaned["weekly_hours"], always_open=cleaned.get("always_open", False))
            except forms.ValidationError as error:
                self.add_error("weekly_hours", error)
        return cleaned


class CalendarDateInline(admin.TabularInline):
    model = CalendarDate
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(ConfigHistoryAdminMixin, admin.ModelAdmin):
    form = BusinessCalendarForm
    list_display = ("name", "slug", "timezone", "always_open", "holiday_country")
    list_filter = ("always_open", "holiday_country")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CalendarDateInline]

    def config_snapshot(self, obj) -> dict:
        """The calendar with its week and its closed dates: what moves due times."""
        data = super().config_snapshot(obj)
        data["hours"] = [
            f"{h.weekday} {h.starts:%H:%M}-{h.ends:%H:%M}"
            for h in obj.hours.order_by("weekday", "starts")
        ]
        data["closed_dates"] = [f"{d.date}" for d in obj.closed_dates.order_by("date")]
        return data

    fieldsets = (
        (None, {"fields": ("name", "slug", "timezone", "always_open")}),
        ("Working week", {"fields": ("weekly_hours",)}),
        (
            "Closed dates",
            {"fields": ("holiday_country", "holiday_subdivision", "holidays_file")},
        ),
    )

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("hours")

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        calendars.save_calendar(
            actor=request.user, calendar=obj, hours=form.cleaned_data["weekly_hours"]
        )

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        # The closed-date rows of the inline: save_calendar has already audited this save and
        # queued the recompute, which runs after the commit and so reads these rows too.
        super().save_related(request, form, formsets, change)
        dates = form.cleaned_data.get("holidays_file") or []
        if dates:
            added = calendars.add_closed_dates(
                actor=request.user, calendar=form.instance, dates=dates
            )
            self.message_user(
                request,
                f"Closed {len(added)} new date(s) from the file "
                f"({len(dates) - len(added)} already closed).",
                messages.SUCCESS,
            )


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    """Also edited as the calendar's grid; changes here recompute the open clocks too."""

    list_display = ("calendar", "weekday", "starts", "ends")
    list_filter = ("calendar", "weekday")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        policies.calendar_changed(actor=request.user, calendar=obj.calendar)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        policies.calendar_changed(actor=request.user, calendar=obj.calendar)


@admin.register(CalendarDate)
class CalendarDateAdmin(admin.ModelAdmin):
    """Custom closed dates (also edited inline on the calendar)."""

    list_display = ("calendar", "date", "name")
    list_filter = ("calendar",)
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        policies.calendar_changed(actor=request.user, calendar=obj.calendar)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        policies.calendar_changed(actor=request.user, calendar=obj.calendar)
