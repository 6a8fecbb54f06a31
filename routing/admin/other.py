"""Routing's other admin pages: triage keywords, decisions, team metrics, learned triage."""

from django.contrib import admin, messages

from core.admin_formsets import ReadOnceChangelistMixin
from core.admin_mixins import ConfigHistoryAdminMixin, ReadOnlyAdminMixin
from routing import learned_triage
from routing.actions import triage_settings
from routing.models import (
    AllocationDecision,
    TeamMetrics,
    TriageKeyword,
    TriageModel,
    TriageSettings,
)


@admin.register(TriageKeyword)
class TriageKeywordAdmin(ReadOnceChangelistMixin, ConfigHistoryAdminMixin, admin.ModelAdmin):
    """Its changes are recorded by the mixin (the keyword map has no actions of its own)."""

    list_display = ("keyword", "category")
    list_editable = ("category",)
    list_filter = ("category",)
    search_fields = ("keyword", "category")


@admin.register(AllocationDecision)
class AllocationDecisionAdmin(admin.ModelAdmin):
    list_display = ("decided_at", "ticket", "team_name", "method", "rule_name", "confidence")
    list_filter = ("method", "event", "team")
    search_fields = ("ticket__reference", "team_name", "rule_name")
    list_select_related = ("ticket",)
    date_hierarchy = "decided_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TeamMetrics)
class TeamMetricsAdmin(admin.ModelAdmin):
    list_display = (
        "team",
        "category",
        "resolved_count",
        "avg_resolution_time_hours",
        "sla_compliance_rate",
        "refreshed_at",
    )
    list_filter = ("team",)
    list_select_related = ("team",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- learned triage --------------------------------------------------------------------------


@admin.register(TriageModel)
class TriageModelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Stored model versions with their held-out evaluation; trained by `manage.py
    train_triage` or the weekly task, chosen with the action or in Triage settings."""

    list_display = (
        "__str__", "created_at", "samples", "held_out", "category_accuracy",
        "category_macro_f1", "priority_accuracy", "priority_macro_f1", "is_active",
    )  # fmt: skip
    readonly_fields = (
        "created_at", "sklearn_version", "samples", "held_out", "category_accuracy",
        "category_macro_f1", "priority_accuracy", "priority_macro_f1", "categories", "report",
    )  # fmt: skip
    exclude = ("pipeline",)
    actions = ["activate"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pipeline")

    @admin.display(boolean=True, description="active")
    def is_active(self, model: TriageModel) -> bool:
        if not hasattr(self, "_active_id"):
            self._active_id = learned_triage.settings_row().active_model_id
        return model.pk == self._active_id

    def changelist_view(self, request, extra_context=None):
        self.__dict__.pop("_active_id", None)
        return super().changelist_view(request, extra_context)

    @admin.action(description="Make the selected model the active one")
    def activate(self, request, queryset) -> None:
        chosen = list(queryset.values_list("pk", flat=True)[:2])
        if len(chosen) != 1:
            self.message_user(request, "Select exactly one model.", messages.ERROR)
            return
        learned_triage.activate_model(model_id=chosen[0])
        self.message_user(request, f"Triage model #{chosen[0]} is now active.")


@admin.register(TriageSettings)
class TriageSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "active_model",
        "confidence_threshold",
        "auto_activate",
        "semantic_threshold",
        "queue_team",
    )
    fields = (
        "active_model",
        "confidence_threshold",
        "auto_activate",
        "semantic_threshold",
        "queue_team",
    )

    def has_add_permission(self, request) -> bool:
        return not TriageSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("active_model", "queue_team")
        return queryset.defer("active_model__pipeline")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "active_model":
            kwargs["queryset"] = TriageModel.objects.defer("pipeline")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        saved = learned_triage.save_settings(
            active_model_id=obj.active_model_id,
            confidence_threshold=obj.confidence_threshold,
            auto_activate=obj.auto_activate,
        )
        triage_settings.save_queue_settings(
            actor=request.user,
            semantic_threshold=obj.semantic_threshold,
            queue_team_id=obj.queue_team_id,
        )
        obj.pk = saved.pk
