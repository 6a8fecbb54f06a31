"""The triage's profiles: category profiles saved from the admin (audited), and the embedded
vectors of team and category profiles, written again whenever a profile changes (after its
commit: org's ``team.profile_changed`` event, this module's own on_commit for categories)."""

from django.db import transaction

from core.audit import record_audit
from core.exceptions import DomainValidationError
from org.models import Team
from routing.models import CategoryProfile, TriageVector
from routing.semantic import service
from routing.semantic.providers import get_provider
from routing.semantic.vectors import to_bytes

CATEGORY_FIELDS = ("category", "description", "examples")


@transaction.atomic
def embed_team(*, team_id) -> TriageVector | None:
    """Embed the team's profile under the configured provider (its lessons are kept). None
    for a team that no longer exists."""
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        return None
    provider = get_provider()
    row = (
        TriageVector.objects.select_for_update()
        .filter(kind=TriageVector.Kind.TEAM, team=team, provider=provider.name)
        .first()
    ) or TriageVector(kind=TriageVector.Kind.TEAM, team=team, provider=provider.name)
    row.profile = to_bytes(service.team_vector(team, provider))
    row.save()
    transaction.on_commit(service.changed)
    return row


@transaction.atomic
def embed_category(*, category: str) -> TriageVector | None:
    """Embed a category's profile; a category whose profile was deleted loses its vector."""
    provider = get_provider()
    rows = TriageVector.objects.select_for_update().filter(
        kind=TriageVector.Kind.CATEGORY, category=category, provider=provider.name
    )
    profile = CategoryProfile.objects.filter(category=category).first()
    transaction.on_commit(service.changed)
    if profile is None:
        rows.delete()
        return None
    row = rows.first() or TriageVector(
        kind=TriageVector.Kind.CATEGORY, category=category, provider=provider.name
    )
    row.profile = to_bytes(service.category_vector(profile, provider))
    row.save()
    return row


def embed_all() -> int:
    """Every active team's and every category's profile (after a provider change, on a new
    installation): each in its own transaction. Returns how many were embedded."""
    count = 0
    for team_id in Team.objects.values_list("pk", flat=True):
        count += embed_team(team_id=team_id) is not None
    for category in CategoryProfile.objects.values_list("category", flat=True):
        count += embed_category(category=category) is not None
    return count


@transaction.atomic
def save_category_profile(*, actor, profile: CategoryProfile | None, data: dict) -> CategoryProfile:
    """Create (profile=None) or change a category's profile; it is embedded after commit."""
    if profile is not None:
        profile = CategoryProfile.objects.select_for_update().get(pk=profile.pk)
    profile = profile or CategoryProfile()
    previous = profile.category
    for name in CATEGORY_FIELDS:
        if name in data:
            setattr(profile, name, data[name])
    profile.category = (profile.category or "").strip().lower()
    if not profile.category:
        raise DomainValidationError({"category": ["Name the category."]})
    clash = CategoryProfile.objects.filter(category=profile.category).exclude(pk=profile.pk)
    if clash.exists():
        raise DomainValidationError({"category": ["This category already has a profile."]})
    profile.full_clean()
    created = profile._state.adding
    profile.save()
    record_audit(
        actor=actor,
        action="routing.category_profile_created"
        if created
        else "routing.category_profile_changed",
        data={"category": profile.category},
    )
    for category in {previous, profile.category} - {""}:
        transaction.on_commit(lambda c=category: embed_category(category=c))
    return profile


@transaction.atomic
def delete_category_profile(*, actor, profile: CategoryProfile) -> None:
    category = profile.category
    CategoryProfile.objects.filter(pk=profile.pk).delete()
    record_audit(
        actor=actor, action="routing.category_profile_deleted", data={"category": category}
    )
    transaction.on_commit(lambda: embed_category(category=category))
