"""Admin screens for policies, calendars (hours, closed dates), clocks, crossings and
reminders. Saves go through sla.actions so open clocks are recomputed."""

from django import forms
from django.contrib import admin

from sla.actions import policies
from sla.models import (
    BusinessCalendar,
    CalendarDate,
    Reminder,
    SLAClock,
    SLACrossing,
    SLAPause,
    SLAPolicy,
    WorkingHours,
)


class SLAPolicyForm(forms.ModelForm):
    class Meta:
        model = SLAPolicy
        fields = [
            "name",
            "description",
            "is_active",
            "is_default",
            "priority",
            "type",
            "tier",
            "category",
            "calendar",
            "first_response_minutes",
            "resolution_minutes",
            "warning_percent",
            "warning_lead_minutes",
            "pause_on_escalation",
            "escalation_actions",
        ]

    def _get_validation_exclusions(self):
        # Making a policy the default demotes the previous one (sla.policies.save_policy),
        # so the one-default constraint is not checked against the row about to be demoted.
        return {*super()._get_validation_exclusions(), "is_default"}

    def clean_is_default(self) -> bool:
        value = self.cleaned_data["is_default"]
        if self.instance.pk and self.initial.get("is_default") and not value:
            raise forms.ValidationError("Make another policy the default instead.")
        return value


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    form = SLAPolicyForm
    list_display = (
        "name",
        "is_active",
        "is_default",
        "priority",
        "tier",
        "type",
        "category",
        "calendar",
        "first_response_minutes",
        "resolution_minutes",
    )
    list_filter = ("is_active", "priority", "tier", "type", "calendar")
    search_fields = ("name", "category")
    list_select_related = ("calendar",)
    fieldsets = (
        (None, {"fields": ("name", "description", "is_active", "is_default")}),
        ("Applies to (empty: any)", {"fields": ("priority", "type", "tier", "category")}),
        (
            "Targets (business minutes)",
            {
                "fields": (
                    "calendar",
                    "first_response_minutes",
                    "resolution_minutes",
                    "warning_percent",
                    "warning_lead_minutes",
                    "pause_on_escalation",
                    "escalation_actions",
                )
            },
        ),
    )

    def save_model(self, request, obj, form, change) -> None:
        policies.save_policy(actor=request.user, policy=obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and (obj.is_default or obj.clocks.exists()):
            return False  # the default stays; a policy in use is deactivated instead
        return super().has_delete_permission(request, obj)


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class CalendarDateInline(admin.TabularInline):
    model = CalendarDate
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "timezone", "always_open", "holiday_country")
    list_filter = ("always_open", "holiday_country")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [WorkingHoursInline, CalendarDateInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        policies.calendar_changed(actor=request.user, calendar=form.instance)


class SLAPauseInline(admin.TabularInline):
    model = SLAPause
    fields = ("reason", "started_at", "ended_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class SLACrossingInline(admin.TabularInline):
    model = SLACrossing
    fk_name = "clock"
    fields = ("kind", "threshold_at", "recorded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SLAClock)
class SLAClockAdmin(admin.ModelAdmin):
    """Read-only: clocks move with their tickets."""

    list_display = (
        "ticket",
        "policy",
        "state",
        "first_response_due",
        "resolution_due",
        "paused_since",
        "next_check_at",
    )
    list_filter = ("state", "policy")
    search_fields = ("ticket__reference", "ticket__title")
    list_select_related = ("ticket", "policy")
    inlines = [SLAPauseInline, SLACrossingInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SLACrossing)
class SLACrossingAdmin(admin.ModelAdmin):
    list_display = ("ticket", "kind", "threshold_at", "recorded_at")
    list_filter = ("kind",)
    search_fields = ("ticket__reference",)
    list_select_related = ("ticket",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("message", "user", "ticket", "kind", "status", "trigger_at", "frequency")
    list_filter = ("status", "kind", "frequency")
    search_fields = ("message", "ticket__reference", "user__username", "user__email")
    list_select_related = ("user", "ticket")
    autocomplete_fields = ("user",)
    raw_id_fields = ("ticket",)
    readonly_fields = ("fire_count", "last_fired_at", "completed_at", "created_at", "updated_at")


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    """Also edited inline on the calendar; changes here recompute the open clocks too."""

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


@admin.register(SLAPause)
class SLAPauseAdmin(admin.ModelAdmin):
    """The stored pause intervals, read-only: the audit trail of every clock."""

    list_display = ("clock", "reason", "started_at", "ended_at")
    list_filter = ("reason",)
    list_select_related = ("clock",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
