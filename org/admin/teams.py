"""The team page: its settings (capabilities and languages as tags) and its members, each with
availability, capacity and current load. Saves and deletes go through org.actions.teams; a
team in use (tickets, decisions, lessons, rules) cannot be deleted, and the delete page says
what uses it."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from import_export.admin import ImportExportMixin

from core.admin_mixins import ActionRefusalsMixin, ConfigHistoryAdminMixin
from core.display import display_name
from core.imports import ActionImportMixin
from core.line_list import LineListField
from core.tag_input import TagListField
from org.actions import teams
from org.models import AgentProfile, Team
from org.resources import TeamResource
from org.selectors import tag_suggestions, team_uses, with_load


def _competency_suggestions() -> list[str]:
    return [w for row in Team.objects.values_list("cultural_competencies", flat=True) for w in row]


class TeamForm(forms.ModelForm):
    capabilities = TagListField(
        suggestions=tag_suggestions,
        help_text="Categories and keywords this team handles, e.g. network, vpn, firewall.",
    )
    example_tickets = LineListField(
        help_text="A few typical ticket titles this team works, one per line."
    )
    cultural_competencies = TagListField(
        suggestions=_competency_suggestions,
        help_text="Languages and regions the team serves well, e.g. en, de, apac.",
    )

    class Meta:
        model = Team
        fields = (
            "name",
            "slug",
            "status",
            "description",
            "capabilities",
            "example_tickets",
            "max_bandwidth",
            "latitude",
            "longitude",
            "timezone",
            *teams.METRIC_FIELDS,
        )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        # The instance still holds the stored slug: the form's values reach it after clean.
        problem = teams.slug_change_problem(self.instance, slug)
        if problem:
            raise forms.ValidationError(problem)
        return slug


class TeamMemberInline(admin.TabularInline):
    """Who is on the team, read-only here: memberships change on each agent's profile, where
    the change is audited (org.actions.agents.save_profile)."""

    model = AgentProfile.teams.through
    verbose_name = "member"
    verbose_name_plural = "members (change memberships on each agent's profile)"
    fields = ("member", "available", "timezone", "capacity", "load")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest):
        memberships = super().get_queryset(request).select_related("agentprofile__user")
        return with_load(memberships, user_path="agentprofile__user_id").order_by(
            "agentprofile__user__username"
        )

    @admin.display(description="Agent")
    def member(self, row) -> str:
        url = reverse("admin:org_agentprofile_change", args=[row.agentprofile_id])
        return format_html('<a href="{}">{}</a>', url, display_name(row.agentprofile.user))

    @admin.display(description="Available", boolean=True)
    def available(self, row) -> bool:
        return row.agentprofile.is_available

    @admin.display(description="Time zone")
    def timezone(self, row) -> str:
        return row.agentprofile.timezone

    @admin.display(description="Capacity")
    def capacity(self, row) -> int:
        return row.agentprofile.max_capacity

    @admin.display(description="Open tickets owned")
    def load(self, row) -> int | None:
        return row.load


def api_shape(data: dict) -> dict:
    """The form's cleaned data in the shape org.actions.teams.save_team takes."""
    return {
        **{name: data[name] for name in teams.TEAM_FIELDS},
        "metrics": {name: data[name] for name in teams.METRIC_FIELDS},
        "location": {
            "lat": data["latitude"],
            "lng": data["longitude"],
            "timezone": data["timezone"],
        },
    }


@admin.register(Team)
class TeamAdmin(
    ActionRefusalsMixin,
    ConfigHistoryAdminMixin,
    ActionImportMixin,
    ImportExportMixin,
    admin.ModelAdmin,
):
    form = TeamForm
    delete_confirmation_template = "admin/org/team/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/org/team/delete_selected_confirmation.html"
    resource_classes = [TeamResource]
    list_display = ("name", "slug", "status", "max_bandwidth", "timezone", "quality_score")
    list_filter = ("status", "timezone")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (TeamMemberInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "status", "capabilities", "max_bandwidth")}),
        (
            "Triage profile",
            {
                "description": "What routing's triage compares new tickets with. Each clause "
                "of the description (between commas, full stops or brackets), each capability "
                "and each example is also read as a topic of its own, so list the things the "
                "team does: a ticket about one of them matches it. Saved, the profile is "
                "embedded again.",
                "fields": ("description", "example_tickets"),
            },
        ),
        ("Location", {"fields": ("latitude", "longitude", "timezone")}),
        (
            "Baseline metrics",
            {
                "fields": (
                    "avg_resolution_time_hours",
                    "sla_compliance_rate",
                    "quality_score",
                    "cultural_competencies",
                )
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: Team, form, change: bool) -> None:
        saved = teams.save_team(
            actor=request.user,
            team=obj if change else None,
            data=api_shape(form.cleaned_data),
        )
        obj.__dict__.update(saved.__dict__)

    def get_deleted_objects(self, objs, request):
        """Django's list of what goes with the teams, and as "protected" what uses them: the
        delete page and the delete action then refuse, and the page says why. No permission
        on the rows that go with a team is asked for: the action deletes them (a team's load
        counters, which no one deletes in the admin, were refused as a missing permission)."""
        objs = list(objs)
        uses = team_uses(objs)
        if uses:  # nothing will go: no need to read every row that would have gone with them
            in_use = [teams.describe_uses(team, uses[team.pk]) for team in objs if team.pk in uses]
            return [], {}, set(), in_use
        deleted, counts, _, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request: HttpRequest, obj: Team) -> None:
        teams.delete_teams(actor=request.user, teams=[obj])

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        teams.delete_teams(actor=request.user, teams=list(queryset))
