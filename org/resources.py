"""Teams and agents as CSV rows (django-import-export), written through org.actions; see
core.imports for why. A team is found by its slug, an agent by their username."""

from import_export import fields, widgets

from core.imports import ActionResource, SlugsWidget, TagsWidget
from org.actions import agents, teams
from org.models import AgentProfile, Team


def _given(values: dict, name: str, current):
    """The file's value of a column, or ``current`` where the column or the cell is empty."""
    value = values.get(name)
    return current if value in (None, "") else value


class TeamResource(ActionResource):
    slug = fields.Field(attribute="slug", column_name="slug")
    name = fields.Field(attribute="name", column_name="name")
    status = fields.Field(attribute="status", column_name="status")
    capabilities = fields.Field(
        attribute="capabilities", column_name="capabilities", widget=TagsWidget()
    )
    max_bandwidth = fields.Field(
        attribute="max_bandwidth", column_name="max_bandwidth", widget=widgets.IntegerWidget()
    )
    timezone = fields.Field(attribute="timezone", column_name="timezone")

    class Meta:
        model = Team
        import_id_fields = ("slug",)
        fields = ("slug", "name", "status", "capabilities", "max_bandwidth", "timezone")
        use_transactions = True

    def write(self, *, instance: Team | None, values: dict, actor) -> Team:
        data = {
            name: values[name]
            for name in ("slug", "name", "status", "capabilities", "max_bandwidth")
            if name in values and values[name] is not None
        }
        if values.get("timezone"):
            data["location"] = {"timezone": values["timezone"]}
        return teams.save_team(actor=actor, team=instance, data=data)


class AgentResource(ActionResource):
    username = fields.Field(attribute="user__username", column_name="username")
    name = fields.Field(attribute="user__get_full_name", column_name="name")
    email = fields.Field(attribute="user__email", column_name="email")
    teams = fields.Field(attribute="teams", column_name="teams", widget=SlugsWidget())
    skills = fields.Field(attribute="skills", column_name="skills", widget=TagsWidget())
    max_capacity = fields.Field(
        attribute="max_capacity", column_name="max_capacity", widget=widgets.IntegerWidget()
    )
    timezone = fields.Field(attribute="timezone", column_name="timezone")
    is_available = fields.Field(
        attribute="is_available", column_name="is_available", widget=widgets.BooleanWidget()
    )

    class Meta:
        model = AgentProfile
        import_id_fields = ("username",)
        fields = (
            "username",
            "name",
            "email",
            "teams",
            "skills",
            "max_capacity",
            "timezone",
            "is_available",
        )
        use_transactions = True

    def get_queryset(self):
        return AgentProfile.objects.select_related("user").prefetch_related("teams")

    def write(self, *, instance: AgentProfile | None, values: dict, actor) -> AgentProfile:
        if instance is None:
            return agents.create_agent(
                actor=actor,
                data=agents.NewAgent(
                    username=values.get("username") or "",
                    email=values.get("email") or "",
                    name=values.get("name") or "",
                    password=None,
                    team_slugs=tuple(values.get("teams") or ()),
                    skills=tuple(values.get("skills") or ()),
                    max_capacity=_given(values, "max_capacity", 10),
                    is_available=_given(values, "is_available", True),
                    place=agents.Place(timezone=_given(values, "timezone", "UTC")),
                ),
            )
        user = instance.user
        current_teams = [team.slug for team in instance.teams.all()]
        instance.skills = values.get("skills", instance.skills)
        instance.max_capacity = _given(values, "max_capacity", instance.max_capacity)
        instance.timezone = _given(values, "timezone", instance.timezone)
        instance.is_available = _given(values, "is_available", instance.is_available)
        person = agents.Person(
            name=_given(values, "name", user.get_full_name()),
            email=_given(values, "email", user.email),
        )
        return agents.save_profile(
            actor=actor,
            profile=instance,
            teams=agents.teams_by_slug(values.get("teams", current_teams)),
            person=person,
        )
