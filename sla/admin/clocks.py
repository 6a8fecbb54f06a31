"""Admin screens for what the SLA app records: clocks with their pauses and crossings (read
only: they move with their tickets) and agents' reminders."""

from django.contrib import admin

from sla.models import Reminder, SLAClock, SLACrossing, SLAPause


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
