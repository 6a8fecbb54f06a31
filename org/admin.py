"""Teams and agents in the admin; a user's page carries their agent profile."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from org.models import AgentProfile, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "status", "max_bandwidth", "timezone", "quality_score")
    list_filter = ("status", "timezone")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "status", "capabilities", "max_bandwidth")}),
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


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "max_capacity", "timezone", "is_available")
    list_filter = ("is_available", "teams", "timezone")
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    autocomplete_fields = ("user", "teams")
    list_select_related = ("user",)


class AgentProfileInline(admin.StackedInline):
    model = AgentProfile
    can_delete = False
    autocomplete_fields = ("teams",)
    extra = 0


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class ServiceDeskUserAdmin(UserAdmin):
    inlines = (AgentProfileInline,)
    list_filter = (*UserAdmin.list_filter, "agent_profile__teams")
