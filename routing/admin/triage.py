"""Semantic triage in the admin: the category profiles (saved through
routing.actions.triage_profiles, audited, with their history) and, read only, the embedded
profiles with how many tickets each team has learned from, and each ticket's lesson."""

from django import forms
from django.contrib import admin

from core.admin_mixins import ConfigHistoryAdminMixin, ReadOnlyAdminMixin
from core.line_list import LineListField
from routing.actions import triage_profiles
from routing.models import CategoryProfile, TriageLesson, TriageVector


class CategoryProfileForm(forms.ModelForm):
    examples = LineListField(
        help_text="A few typical ticket titles of this category, one per line."
    )

    class Meta:
        model = CategoryProfile
        fields = ("category", "description", "examples")


@admin.register(CategoryProfile)
class CategoryProfileAdmin(ConfigHistoryAdminMixin, admin.ModelAdmin):
    form = CategoryProfileForm
    list_display = ("category", "description", "updated_at")
    search_fields = ("category", "description")

    def save_model(self, request, obj, form, change) -> None:
        saved = triage_profiles.save_category_profile(
            actor=request.user,
            profile=obj if change else None,
            data={name: form.cleaned_data[name] for name in triage_profiles.CATEGORY_FIELDS},
        )
        obj.__dict__.update(saved.__dict__)

    def delete_model(self, request, obj) -> None:
        triage_profiles.delete_category_profile(actor=request.user, profile=obj)

    def delete_queryset(self, request, queryset) -> None:
        for profile in queryset:
            triage_profiles.delete_category_profile(actor=request.user, profile=profile)


@admin.register(TriageVector)
class TriageVectorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("kind", "team", "category", "provider", "learned_count", "updated_at")
    list_filter = ("kind", "provider")
    list_select_related = ("team",)
    fields = ("kind", "team", "category", "provider", "learned_count", "updated_at")
    readonly_fields = fields


@admin.register(TriageLesson)
class TriageLessonAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What each resolved, transferred or dispatched ticket taught its team (read only: the
    lessons are written by routing's learning subscriber, never by hand)."""

    list_display = ("ticket", "team", "reason", "provider", "learned_at")
    list_filter = ("reason", "provider")
    list_select_related = ("ticket", "team")
    fields = ("ticket", "team", "reason", "provider", "learned_at")
    readonly_fields = fields
