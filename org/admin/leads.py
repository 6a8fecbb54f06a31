"""Team leads: which members of a team approve its tier-2 resolutions. Adding and deleting go
through org.actions.leads (audited); a lead row has nothing to change, so there is no edit."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from core.admin_mixins import ConfigHistoryAdminMixin
from org.actions.leads import set_team_lead
from org.models import TeamLead
from org.selectors import is_team_member


class TeamLeadForm(forms.ModelForm):
    class Meta:
        model = TeamLead
        fields = ("team", "profile")

    def clean(self) -> dict:
        """The action refuses a lead who is no member; say so on the form, not as an error."""
        data = super().clean()
        profile, team = data.get("profile"), data.get("team")
        if profile is not None and team is not None and not is_team_member(profile.user, team):
            self.add_error("profile", f"{profile} is not a member of {team}.")
        return data


@admin.register(TeamLead)
class TeamLeadAdmin(ConfigHistoryAdminMixin, admin.ModelAdmin):
    list_display = ("profile", "team", "created_at")
    list_filter = ("team",)
    list_select_related = ("profile__user", "team")
    search_fields = ("profile__user__username", "team__name", "team__slug")
    autocomplete_fields = ("profile", "team")
    form = TeamLeadForm

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: TeamLead, form, change: bool) -> None:
        set_team_lead(actor=request.user, profile=obj.profile, team=obj.team, lead=True)
        obj.pk = TeamLead.objects.get(team=obj.team, profile=obj.profile).pk

    def delete_model(self, request: HttpRequest, obj: TeamLead) -> None:
        set_team_lead(actor=request.user, profile=obj.profile, team=obj.team, lead=False)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for lead in queryset.select_related("profile", "team"):
            self.delete_model(request, lead)
