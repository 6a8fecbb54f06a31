"""Agents' working profiles: teams, skills (tags), time zone, capacity and current load; and
the user page, which carries the profile inline. Saves go through org.actions.agents."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from import_export.admin import ImportExportMixin

from core.admin_mixins import ConfigHistoryAdminMixin
from core.imports import ActionImportMixin
from core.tag_input import TagListField
from org.actions.agents import save_profile
from org.models import AgentProfile
from org.resources import AgentResource
from org.selectors import tag_suggestions, with_load


class AgentProfileForm(forms.ModelForm):
    skills = TagListField(
        suggestions=tag_suggestions, help_text="Categories and keywords this agent is good at."
    )

    class Meta:
        model = AgentProfile
        fields = (
            "user",
            "teams",
            "skills",
            "max_capacity",
            "is_available",
            "timezone",
            "latitude",
            "longitude",
        )


@admin.register(AgentProfile)
class AgentProfileAdmin(
    ConfigHistoryAdminMixin, ActionImportMixin, ImportExportMixin, admin.ModelAdmin
):
    form = AgentProfileForm
    resource_classes = [AgentResource]
    list_display = (
        "__str__",
        "user",
        "team_names",
        "skill_list",
        "timezone",
        "max_capacity",
        "load",
        "is_available",
    )
    list_filter = ("is_available", "teams", "timezone")
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    autocomplete_fields = ("user", "teams")
    list_select_related = ("user",)
    readonly_fields = ("load",)
    fieldsets = (
        (None, {"fields": ("user", "teams", "skills")}),
        ("Capacity", {"fields": ("max_capacity", "load", "is_available")}),
        ("Location", {"fields": ("timezone", "latitude", "longitude")}),
    )

    def get_queryset(self, request: HttpRequest):
        return with_load(super().get_queryset(request)).prefetch_related("teams")

    @admin.display(description="Teams")
    def team_names(self, profile: AgentProfile) -> str:
        return ", ".join(team.name for team in profile.teams.all())

    @admin.display(description="Skills")
    def skill_list(self, profile: AgentProfile) -> str:
        return ", ".join(profile.skills)

    @admin.display(description="Current load (open tickets owned)", ordering="load")
    def load(self, profile: AgentProfile) -> int | None:
        return profile.load

    def save_model(self, request: HttpRequest, obj: AgentProfile, form, change: bool) -> None:
        save_profile(actor=request.user, profile=obj, teams=list(form.cleaned_data["teams"]))

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """The teams were set by save_profile; there is nothing else to save."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class AgentProfileInline(admin.StackedInline):
    model = AgentProfile
    form = AgentProfileForm
    can_delete = False
    autocomplete_fields = ("teams",)
    extra = 0


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class ServiceDeskUserAdmin(UserAdmin):
    inlines = (AgentProfileInline,)
    list_filter = (*UserAdmin.list_filter, "agent_profile__teams")

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is not AgentProfile:
            return super().save_formset(request, form, formset, change)
        # save(commit=False) also records what changed for the admin's history message.
        for profile in formset.save(commit=False):
            inline_form = next(f for f in formset.forms if f.instance is profile)
            profile.user = form.instance
            save_profile(
                actor=request.user, profile=profile, teams=list(inline_form.cleaned_data["teams"])
            )
        return None
