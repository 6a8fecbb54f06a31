"""Empowerment configurations (through resolutions.actions.config, audited, with a history);
resolutions, approvals and the calibration queue are shown, not edited: they change through
the desk and the API. The calibration list can generate a week's queue on demand."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone

from core.admin_mixins import AppendOnlyAdminMixin, ConfigHistoryAdminMixin
from core.exceptions import DomainValidationError
from resolutions.actions.calibration import generate_queue
from resolutions.actions.config import check_limits, delete_config, save_config
from resolutions.models import ApprovalRequest, CalibrationItem, EmpowermentConfig, Resolution
from resolutions.periods import Week


class EmpowermentConfigForm(forms.ModelForm):
    class Meta:
        model = EmpowermentConfig
        fields = ("team", "tier1_limit", "tier2_limit", "currency")

    def clean(self) -> dict:
        data = super().clean()
        if all(data.get(name) is not None for name in ("tier1_limit", "tier2_limit")):
            errors, _ = check_limits(
                data["tier1_limit"], data["tier2_limit"], (data.get("currency") or "").upper()
            )
            for field, messages_ in errors.items():
                if field not in self.errors:
                    self.add_error(field, messages_)
        return data


@admin.register(EmpowermentConfig)
class EmpowermentConfigAdmin(ConfigHistoryAdminMixin, admin.ModelAdmin):
    form = EmpowermentConfigForm
    list_display = ("team", "tier1_limit", "tier2_limit", "currency", "updated_at")
    list_select_related = ("team",)
    search_fields = ("team__name", "team__slug")
    autocomplete_fields = ("team",)

    def save_model(self, request: HttpRequest, obj: EmpowermentConfig, form, change: bool) -> None:
        saved = save_config(
            actor=request.user,
            team=obj.team,
            tier1_limit=obj.tier1_limit,
            tier2_limit=obj.tier2_limit,
            currency=obj.currency,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: EmpowermentConfig) -> None:
        delete_config(actor=request.user, config=obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for config in queryset.select_related("team"):
            delete_config(actor=request.user, config=config)


@admin.register(Resolution)
class ResolutionAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("ticket", "type", "amount", "currency", "tier", "status", "agent", "team")
    list_filter = ("tier", "status", "type", "currency")
    list_select_related = ("ticket", "agent", "team")
    search_fields = ("ticket__reference", "agent__username")
    date_hierarchy = "created_at"


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("resolution", "tier", "team", "status", "requested_by", "decided_by")
    list_filter = ("status", "tier")
    list_select_related = ("resolution__ticket", "team", "requested_by", "decided_by")


@admin.register(CalibrationItem)
class CalibrationItemAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("period", "reason", "ticket", "resolution", "review_status", "outcome")
    list_filter = ("period", "reason", "review_status", "outcome")
    list_select_related = ("ticket", "resolution__ticket")
    change_list_template = "admin/resolutions/calibrationitem/change_list.html"

    def get_urls(self):
        generate = self.admin_site.admin_view(self.generate_view)
        return [
            path("generate/", generate, name="resolutions_calibrationitem_generate"),
            *super().get_urls(),
        ]

    def generate_view(self, request: HttpRequest) -> HttpResponseRedirect:
        """POST: generate the week's queue (``period``, default last week); idempotent."""
        back = HttpResponseRedirect(reverse("admin:resolutions_calibrationitem_changelist"))
        if request.method != "POST" or not self.has_view_permission(request):
            return back
        try:
            text = request.POST.get("period", "").strip()
            week = Week.parse(text) if text else Week.of(timezone.now()).shifted(-1)
            done = generate_queue(actor=request.user, week=week)
        except (ValidationError, DomainValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return back
        messages.success(
            request, f"{done.period}: {done.created} added, {done.total} in the queue."
        )
        return back
