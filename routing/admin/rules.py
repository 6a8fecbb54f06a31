"""Routing rules in the admin: the rule form with conditions and actions as rows, its "try it"
panel, the YAML export and import, and the way back to an earlier rule set. Every write goes
through routing.actions (config, history); the form only builds the rule's document."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from core.admin_formsets import ReadOnceChangelistMixin
from core.admin_mixins import ConfigHistoryAdminMixin
from routing import decide
from routing.actions import config, history
from routing.admin.rule_forms import RoutingRuleForm, RuleListForm
from routing.admin.try_it import TryItForm, try_rule
from routing.admin.versions import versions_view
from routing.models import RoutingRule
from routing.rule_files import dump_rules
from routing.rules import RuleFileError
from tickets.models import Ticket

EXPORT_NAME = "routing-rules.yaml"


def export_text(rules) -> str:
    return dump_rules(rule.document() for rule in rules)


@admin.register(RoutingRule)
class RoutingRuleAdmin(ReadOnceChangelistMixin, ConfigHistoryAdminMixin, admin.ModelAdmin):
    form = RoutingRuleForm
    fields = ("name", "event", "order", "active", "stop")
    list_display = ("name", "order", "event", "active", "stop", "updated_at")
    list_editable = ("order", "active")
    list_filter = ("event", "active", "stop")
    search_fields = ("name",)
    ordering = ("order", "name")
    actions = ("try_on_ticket", "export_yaml")
    change_form_template = "admin/routing/routingrule/change_form.html"
    change_list_template = "admin/routing/routingrule/change_list.html"
    record_config_history = False  # routing.actions.config records every change, any door

    class Media:
        js = ("js/form_fragment.js", "js/rule_form.js")
        css = {"all": ("css/rule_form.css",)}

    # --- writes through the actions ------------------------------------------------------

    def save_model(self, request, obj, form, change) -> None:
        # The change list's inline edits (order, active) come without the rows' document.
        document = getattr(form, "document", None) or obj.document()
        saved = config.save_rule(
            actor=request.user, document=document, rule=obj if change else None
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        config.delete_rule(actor=request.user, rule=obj)

    def delete_queryset(self, request, queryset) -> None:
        for rule in queryset:
            config.delete_rule(actor=request.user, rule=rule)

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, **{"form": RuleListForm, **kwargs})

    # --- pages ---------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("try/", view(self.try_view), name="routing_routingrule_try_add"),
            path("<path:object_id>/try/", view(self.try_view), name="routing_routingrule_try"),
            path("import/", view(self.import_view), name="routing_routingrule_import"),
            path(
                "versions/",
                view(
                    versions_view(
                        self,
                        object_type=config.RULE_TYPE,
                        restore=history.restore_rules,
                        title="Earlier versions of the rule set",
                    )
                ),
                name="routing_routingrule_versions",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        versions = {"versions_url": reverse("admin:routing_routingrule_versions")}
        return super().history_view(request, object_id, {**versions, **(extra_context or {})})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        name = "admin:routing_routingrule_try" if obj else "admin:routing_routingrule_try_add"
        context["try_url"] = reverse(name, args=[obj.pk] if obj else [])
        context["try_form"] = TryItForm()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def try_view(self, request, object_id=None):
        """The rule form posted as it stands (saved or not) with a ticket: what would happen.
        Answers an HTML fragment for the panel; reads only."""
        if request.method != "POST":
            raise Http404
        rule = self.get_object(request, object_id) if object_id else RoutingRule()
        if object_id and rule is None:
            raise Http404
        if object_id:
            allowed = self.has_change_permission(request, rule)
        else:
            allowed = self.has_add_permission(request)
        if not allowed:
            raise PermissionDenied
        form = RoutingRuleForm(request.POST, instance=rule)
        ticket_form = TryItForm(request.POST)
        context = {"rule_form": form, "ticket_form": ticket_form, "result": None}
        if form.is_valid() and ticket_form.is_valid():
            context["result"] = try_rule(
                spec=form.spec, rule_pk=rule.pk, ticket_data=ticket_form.cleaned_data
            )
        return TemplateResponse(request, "admin/routing/routingrule/try_result.html", context)

    def import_view(self, request):
        """Paste or upload a rules file: the same all-or-nothing import as ``import_rules``."""
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        problems, text = [], ""
        if request.method == "POST":
            upload = request.FILES.get("file")
            text = request.POST.get("text", "")
            if upload:
                text = upload.read().decode("utf-8", "replace")
            try:
                created, updated = config.import_rules(text=text, actor=request.user)
            except RuleFileError as error:
                problems = [str(problem) for problem in error.problems]
            else:
                done = f"Imported {created + updated} rule(s): {created} new, {updated} updated."
                self.message_user(request, done)
                return redirect("admin:routing_routingrule_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Import routing rules (YAML)",
            "opts": self.model._meta,
            "problems": problems,
            "text": text,
        }
        return TemplateResponse(request, "admin/routing/routingrule/import.html", context)

    # --- changelist actions --------------------------------------------------------------

    @admin.action(description="Export as YAML (the import_rules format)")
    def export_yaml(self, request, queryset):
        response = HttpResponse(
            export_text(queryset.order_by("order", "name")), content_type="application/yaml"
        )
        response["Content-Disposition"] = f'attachment; filename="{EXPORT_NAME}"'
        return response

    @admin.action(description="Try these rules on a ticket (changes nothing)")
    def try_on_ticket(self, request, queryset):
        form = LegacyTryForm(request.POST if "reference" in request.POST else None)
        results = []
        if form.is_bound and form.is_valid():
            ticket = form.cleaned_data["reference"]
            by_event: dict[str, list[int]] = {}
            for rule in queryset.order_by("order", "name"):
                by_event.setdefault(rule.event, []).append(rule.pk)
            for event, rule_ids in by_event.items():
                _, prepared = decide.prepare_decision(
                    ticket_id=ticket.pk, event=event, rule_ids=rule_ids
                )
                results.append({"event": event, "prepared": prepared})
        context = {
            **self.admin_site.each_context(request),
            "title": "Try routing rules on a ticket",
            "opts": self.model._meta,
            "rules": queryset.order_by("order", "name"),
            "form": form,
            "results": results,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/routing/routingrule/try_rules.html", context)


class LegacyTryForm(forms.Form):
    """The change list's "try these rules": a stored ticket by reference."""

    reference = forms.CharField(
        max_length=32, label="Ticket reference", help_text="e.g. INC-2026-000123"
    )

    def clean_reference(self) -> Ticket:
        reference = self.cleaned_data["reference"].strip()
        ticket = Ticket.objects.filter(reference__iexact=reference).first()
        if ticket is None:
            raise forms.ValidationError(f"No ticket {reference}.")
        return ticket
