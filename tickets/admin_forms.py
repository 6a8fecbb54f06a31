"""The ticket admin page's inlines (timeline, tasks, flags) and forms (the ticket, a transfer)."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model

from core.roles import STAFF_ROLE_GROUPS
from tickets.actions import ownership
from tickets.actions.flags import legal_team_missing
from tickets.models import CaseFlag, Task, Ticket, TimelineEntry

User = get_user_model()


class TimelineEntryInline(admin.TabularInline):
    """Past entries read-only; a new entry is posted through add_timeline_entry."""

    model = TimelineEntry
    fields = ("created_at", "type", "visibility", "author", "content")
    readonly_fields = ("created_at", "author")
    extra = 0
    can_delete = False
    show_change_link = False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        type_field = formset.form.base_fields.get("type")
        if type_field is not None:
            type_field.choices = [
                (TimelineEntry.Type.NOTE, "Note"),
                (TimelineEntry.Type.EMAIL, "E-mail"),
            ]
        visibility_field = formset.form.base_fields.get("visibility")
        if visibility_field is not None:
            visibility_field.choices = [
                (TimelineEntry.Visibility.INTERNAL, "Internal"),
                (TimelineEntry.Visibility.PUBLIC, "Public"),
            ]
        return formset


class TaskInline(admin.TabularInline):
    model = Task
    fields = ("title", "assigned_to", "due_date", "status")
    readonly_fields = ("status",)
    autocomplete_fields = ("assigned_to",)
    extra = 0
    can_delete = False
    show_change_link = True

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CaseFlagForm(forms.ModelForm):
    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"]
        if kind == CaseFlag.Kind.LEGAL and (why := legal_team_missing()):
            raise forms.ValidationError(why)
        return kind


class CaseFlagInline(admin.TabularInline):
    model = CaseFlag
    form = CaseFlagForm
    fields = ("kind", "note", "created_by", "created_at")
    readonly_fields = ("created_by", "created_at")
    extra = 0

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True, groups__name__in=STAFF_ROLE_GROUPS)
        .distinct()
        .order_by("username"),
        label="New owner",
    )
    reason = forms.ChoiceField(choices=ownership.TransferReason.choices)


class TicketAdminForm(forms.ModelForm):
    """Priority may be left blank on creation: the action derives it from urgency x impact."""

    class Meta:
        model = Ticket
        fields = (
            "type",
            "title",
            "description",
            "category",
            "priority",
            "urgency",
            "impact",
            "requester",
            "team",
            "source",
            "external_id",
            "external_metadata",
        )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "priority" in self.fields:
            self.fields["priority"].required = False
            self.fields["priority"].help_text = "Blank: derived from urgency and impact."
        if "source" in self.fields:
            self.fields["source"].required = False

    def clean_priority(self) -> str:
        priority = self.cleaned_data.get("priority")
        if not priority and not self.instance._state.adding:
            return self.instance.priority
        return priority or ""

    def clean_source(self) -> str:
        source = self.cleaned_data.get("source")
        if not source and not self.instance._state.adding:
            return self.instance.source
        return source or "admin"
