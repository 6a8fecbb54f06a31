"""The SLA policy page: targets, escalation actions as rows, and a preview of the due times a
ticket created now would get, computed by the clocks' own code (sla.timing) and stored nowhere.
Saves go through sla.actions.policies, which recomputes the open clocks."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.admin_mixins import ConfigHistoryAdminMixin
from sla.actions import policies
from sla.admin.fields import EscalationActionsField
from sla.calendar import CalendarError
from sla.models import SLAPolicy
from sla.timing import preview_clock


class SLAPolicyForm(forms.ModelForm):
    escalation_actions = EscalationActionsField(
        help_text="Who is told at each threshold. The ticket's team is told through its channels."
    )

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


def _when(instant: datetime | None, zone: ZoneInfo) -> str:
    if instant is None:
        return "—"
    return instant.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")


def due_preview(policy: SLAPolicy, now: datetime) -> str:
    """The preview's HTML: each milestone of a ticket created at ``now``, in the calendar's
    zone, marked with data-due for the browser test and the curious."""
    try:
        clock = preview_clock(policy, now)
    except CalendarError as error:
        return f"No due times: {error}"
    zone = ZoneInfo(policy.calendar.timezone)
    rows = [
        ("created", "Created", now),
        ("first_response_warn", "First response warning", clock.first_response_warn_at),
        ("first_response_due", "First response due", clock.first_response_due),
        ("resolution_warn", "Resolution warning", clock.resolution_warn_at),
        ("resolution_due", "Resolution due", clock.resolution_due),
    ]
    items = format_html_join(
        "",
        '<dt>{}</dt><dd data-due="{}">{}</dd>',
        ((label, key, _when(instant, zone)) for key, label, instant in rows),
    )
    return format_html('<dl class="sla-preview">{}</dl>', items)


@admin.register(SLAPolicy)
class SLAPolicyAdmin(ConfigHistoryAdminMixin, admin.ModelAdmin):
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
    readonly_fields = ("due_times",)
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
                )
            },
        ),
        ("Escalation", {"fields": ("escalation_actions",)}),
        (
            "Preview: a ticket created now (as saved; the calendar's holidays included)",
            {"fields": ("due_times",)},
        ),
    )

    @admin.display(description="Due times")
    def due_times(self, policy: SLAPolicy) -> str:
        if policy.pk is None:
            return "Save the policy to see its due times."
        return due_preview(policy, timezone.now())

    def save_model(self, request, obj, form, change) -> None:
        policies.save_policy(actor=request.user, policy=obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and (obj.is_default or obj.clocks.exists()):
            return False  # the default stays; a policy in use is deactivated instead
        return super().has_delete_permission(request, obj)
