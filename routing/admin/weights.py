"""Scoring weights in the admin: the form, the preview of what the last decisions would have
been under the weights as typed (before saving), the history and the way back to an earlier
version. Writes through routing.actions.config and routing.actions.history."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from core.admin_mixins import ConfigHistoryAdminMixin
from routing import selectors
from routing.actions import config, history
from routing.admin.versions import versions_view
from routing.models import WEIGHT_FIELDS, ScoringWeights
from routing.reweigh import reweigh

DEFAULT_PREVIEW = 200
MAX_PREVIEW = 2000
SHOWN_MOVES = 50


class PreviewForm(forms.Form):
    preview_count = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PREVIEW,
        initial=DEFAULT_PREVIEW,
        label="Decisions to replay",
    )


def weights_preview(*, category: str, weights: dict[str, float], limit: int):
    overridden = ScoringWeights.objects.exclude(category="").values_list("category", flat=True)
    decisions = selectors.recent_decisions_for_weights(
        category=category, overridden=list(overridden), limit=limit
    )
    return reweigh(decisions, weights)


@admin.register(ScoringWeights)
class ScoringWeightsAdmin(ConfigHistoryAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", *WEIGHT_FIELDS, "updated_at")
    fieldsets = (
        (None, {"fields": ("category",)}),
        ("Weights (must sum to 1)", {"fields": WEIGHT_FIELDS}),
        ("Routing knobs (read from the default row)", {"fields": config.KNOB_FIELDS}),
    )
    change_form_template = "admin/routing/scoringweights/change_form.html"
    change_list_template = "admin/routing/scoringweights/change_list.html"
    record_config_history = False  # routing.actions.config records every change

    class Media:
        js = ("js/form_fragment.js", "js/weights_preview.js")
        css = {"all": ("css/rule_form.css",)}

    def save_model(self, request, obj, form, change) -> None:
        values = {name: form.cleaned_data[name] for name in form.cleaned_data if name != "category"}
        existing = ScoringWeights.objects.get(pk=obj.pk) if change else None
        saved = config.save_weights(
            actor=request.user, category=obj.category, values=values, weights=existing
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        config.delete_weights(actor=request.user, weights=obj)

    def delete_queryset(self, request, queryset) -> None:
        for weights in queryset:
            config.delete_weights(actor=request.user, weights=weights)

    def get_urls(self):
        view = self.admin_site.admin_view
        versions = versions_view(
            self,
            object_type=config.WEIGHTS_TYPE,
            restore=history.restore_weights,
            title="Earlier versions of the scoring weights",
        )
        return [
            path("preview/", view(self.preview_view), name="routing_scoringweights_preview_add"),
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name="routing_scoringweights_preview",
            ),
            path("versions/", view(versions), name="routing_scoringweights_versions"),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        versions = {"versions_url": reverse("admin:routing_scoringweights_versions")}
        return super().history_view(request, object_id, {**versions, **(extra_context or {})})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["preview_url"] = reverse("admin:routing_scoringweights_preview", args=[obj.pk])
        else:
            context["preview_url"] = reverse("admin:routing_scoringweights_preview_add")
        context["preview_form"] = PreviewForm()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def preview_view(self, request, object_id=None):
        """The weights form posted as it stands: the last N decisions replayed. Reads only."""
        if request.method != "POST":
            raise Http404
        obj = self.get_object(request, object_id) if object_id else None
        if object_id and obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        form = self.get_form(request, obj)(request.POST, instance=obj)
        count_form = PreviewForm(request.POST)
        context = {"form": form, "count_form": count_form, "preview": None}
        if form.is_valid() and count_form.is_valid():
            limit = count_form.cleaned_data["preview_count"] or DEFAULT_PREVIEW
            weights = {name: form.cleaned_data[name] for name in WEIGHT_FIELDS}
            category = (form.cleaned_data.get("category") or "").strip().lower()
            preview = weights_preview(category=category, weights=weights, limit=limit)
            context.update(preview=preview, limit=limit, shown=preview.moved[:SHOWN_MOVES])
        return TemplateResponse(request, "admin/routing/scoringweights/preview.html", context)
