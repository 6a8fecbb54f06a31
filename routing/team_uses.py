"""What routing keeps of a team, told to org (which stands below routing) from RoutingConfig's
ready: its decisions, its triage lessons, the rules that name it and the triage queue. A team
any of these use is set inactive rather than deleted, and a slug a rule names is not renamed
away under it (org.actions.teams)."""

from collections.abc import Iterable, Sequence

from django.db.models import Count
from django.template.defaultfilters import pluralize

from org.models import Team
from routing.actions.rule_checks import named_teams
from routing.models import AllocationDecision, RoutingRule, TriageSettings
from routing.triage_models import TriageLesson


def uses_of_teams(teams: Sequence[Team]) -> dict[object, list[str]]:
    """Four queries, whatever the number of teams or rules."""
    ids = [team.pk for team in teams]
    found: dict[object, list[str]] = {}
    for model, noun in ((AllocationDecision, "routing decision"), (TriageLesson, "triage lesson")):
        rows = model.objects.filter(team__in=ids).values("team").annotate(count=Count("pk"))
        for team_id, count in rows.values_list("team", "count"):
            found.setdefault(team_id, []).append(f"{count} {noun}{pluralize(count)}")
    by_slug = {team.slug.lower(): team.pk for team in teams}
    for name, slugs in _rules_naming():
        for slug in slugs & by_slug.keys():
            found.setdefault(by_slug[slug], []).append(f"rule '{name}'")
    queue = TriageSettings.objects.filter(queue_team__in=ids).values_list("queue_team", flat=True)
    for team_id in queue:
        found.setdefault(team_id, []).append("the triage queue")
    return found


def rules_naming_slug(slug: str) -> list[str]:
    """The rules that name a team by this slug (as a condition compares: without case)."""
    return [f"rule '{name}'" for name, slugs in _rules_naming() if slug.lower() in slugs]


def _rules_naming() -> Iterable[tuple[str, set[str]]]:
    """Each rule's name with the team slugs it names, lower case. Stored rules passed the
    shape check on their way in (routing.actions.config), so they parse."""
    rules = RoutingRule.objects.order_by("order", "name").values_list(
        "name", "conditions", "actions"
    )
    for name, conditions, actions in rules:
        spec = {"conditions": conditions or [], "actions": actions or []}
        yield name, {slug.lower() for slug in named_teams(spec)}
