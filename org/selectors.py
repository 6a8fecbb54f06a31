"""Reads about teams and their members.

Org stands below tickets and routing, so what only they know reaches it by registration from
their AppConfig.ready (docs/architecture.md): tickets tells how an agent's current load is
counted, which ticket categories are in use and whether a requester has an address; tickets
and routing tell what uses a team (a team in use is set inactive, not deleted) and routing
which rules name a team by its slug."""

from collections.abc import Callable, Iterable, Mapping, Sequence

from django.db.models import Expression, F, IntegerField, QuerySet, Value

from org.models import AgentProfile, Team, TeamLead

# Takes the path from the annotated row to the agent's user id (e.g. "user_id") and returns
# an expression counting the open tickets that user owns.
LoadExpression = Callable[[str], Expression]
_load_expressions: list[LoadExpression] = []
_category_sources: list[Callable[[], Iterable[str]]] = []
# Takes an e-mail address; returns why someone outside org holds it, "" when nobody does.
AddressHolder = Callable[[str], str]
_address_holders: list[AddressHolder] = []
# Takes teams; returns, by team id, what outside org uses each ("12 tickets", "rule 'VPN'").
TeamUses = Callable[[Sequence[Team]], Mapping[object, Iterable[str]]]
_team_uses: list[TeamUses] = []
# Takes a slug; returns what names a team by it, as written ("rule 'VPN'").
SlugReader = Callable[[str], Iterable[str]]
_slug_readers: list[SlugReader] = []


def count_agent_load(expression: LoadExpression) -> None:
    if expression not in _load_expressions:
        _load_expressions.append(expression)


def suggest_categories(source: Callable[[], Iterable[str]]) -> None:
    if source not in _category_sources:
        _category_sources.append(source)


def hold_addresses(holder: AddressHolder) -> None:
    if holder not in _address_holders:
        _address_holders.append(holder)


def address_held_elsewhere(email: str) -> str:
    """Why this address is someone's outside org (a requester's), or "": a login must not take
    it (API.md: an address is a staff member's or a contact's, never both)."""
    for holder in _address_holders:
        reason = holder(email)
        if reason:
            return reason
    return ""


def use_teams(reader: TeamUses) -> None:
    if reader not in _team_uses:
        _team_uses.append(reader)


def read_slugs(reader: SlugReader) -> None:
    if reader not in _slug_readers:
        _slug_readers.append(reader)


def team_uses(teams: Sequence[Team]) -> dict[object, list[str]]:
    """What outside org uses each of ``teams``, by team id (teams in no use are left out): a
    few queries for the lot, whatever the number of teams."""
    found: dict[object, list[str]] = {}
    for reader in _team_uses:
        for team_id, uses in reader(teams).items():
            found.setdefault(team_id, []).extend(uses)
    return {team_id: uses for team_id, uses in found.items() if uses}


def slug_named_by(slug: str) -> list[str]:
    """What names a team by this slug (rules do): renaming the slug would leave them naming
    nothing."""
    return [name for reader in _slug_readers for name in reader(slug)]


def with_load(rows: QuerySet, *, user_path: str = "user_id") -> QuerySet:
    """``rows`` annotated with ``load``: the open tickets each row's agent owns (one subquery
    in the same statement, whatever the row count). None until tickets has registered."""
    if not _load_expressions:
        return rows.annotate(load=Value(None, output_field=IntegerField()))
    return rows.annotate(load=_load_expressions[0](user_path))


def tag_suggestions() -> list[str]:
    """Words a capability or skill is likely to be: the ticket categories in use and the
    capabilities and skills already given. A few hundred rows at most (teams, agents)."""
    words: set[str] = set()
    for source in _category_sources:
        words.update(source())
    for capabilities in Team.objects.values_list("capabilities", flat=True):
        words.update(capabilities or [])
    for skills in AgentProfile.objects.values_list("skills", flat=True):
        words.update(skills or [])
    return sorted(word for word in words if isinstance(word, str) and word)


def team_ids_of(user) -> QuerySet:
    """Subquery of the ids of the teams the user is a member of."""
    return AgentProfile.teams.through.objects.filter(agentprofile__user=user).values("team_id")


def is_team_member(user, team: Team | None) -> bool:
    if team is None:
        return False
    return AgentProfile.objects.filter(user=user, teams=team).exists()


def is_team_lead(user, team_id) -> bool:
    """Whether the user leads the team: flagged as its lead and still a member of it."""
    if team_id is None:
        return False
    return AgentProfile.objects.filter(
        user=user, teams=team_id, lead_flags__team_id=team_id
    ).exists()


def led_team_ids(user) -> QuerySet:
    """Subquery of the ids of the teams the user leads (and is still a member of)."""
    return TeamLead.objects.filter(profile__user=user, profile__teams=F("team")).values("team_id")
