"""Semantic triage against the database: the team and category vectors (stored by
routing.actions.triage_profiles and triage_learning) read once per change and kept in the
process, the keyword map's and the learned classifier's guesses, and the pure blend.

Freshness: a profile or settings change moves ``PROFILE_KEY`` (the next triage reloads);
lessons move ``LEARNED_KEY``, reloaded at most every ``TRIAGE_LEARNED_REFRESH_SECONDS`` (a busy
desk resolves many tickets a minute; the centroids need not follow each one)."""

import threading
import time
import uuid
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from core import shared_reads
from org.models import Team
from routing import learned_triage, triage
from routing.models import CategoryProfile, TriageLesson, TriageSettings, TriageVector
from routing.semantic import blend
from routing.semantic.glossary import current as glossary
from routing.semantic.lexical import Lesson, Lexicon
from routing.semantic.providers import get_provider, provider_name
from routing.semantic.vectors import from_bytes, profile_text_parts, profile_topics, unit

PROFILE_KEY = "routing:semantic:profiles"
LEARNED_KEY = "routing:semantic:learned"
shared_reads.prefetch(lambda: (PROFILE_KEY, LEARNED_KEY))
NEIGHBOURS_PER_TEAM = 100  # the latest lessons of each team that triage reads
MAX_AGE_SECONDS = 300


@dataclass
class State:
    provider: str
    teams: list[blend.TeamVector]
    categories: dict[str, np.ndarray]
    threshold: float
    queue_team_id: str | None
    weights: blend.BlendWeights
    lexicon: Lexicon | None = None
    keys: tuple = ()
    loaded_at: float = field(default_factory=time.monotonic)


_lock = threading.Lock()
_state: list[State | None] = [None]


def changed(*, learned: bool = False) -> None:
    """Profiles, settings or (``learned``) lessons changed: processes reload on next use."""
    key, token = LEARNED_KEY if learned else PROFILE_KEY, uuid.uuid4().hex
    cache.set(key, token, None)
    shared_reads.remember(key, token)


def forget() -> None:
    """This process drops what it loaded (tests; a provider change)."""
    _state[0] = None


def weights() -> blend.BlendWeights:
    return blend.BlendWeights(**getattr(settings, "TRIAGE_BLEND", {}))


def _key(name: str) -> str:
    """The key's current token; a cache that lost it (cleared, restarted) gets a new one, so
    every process reloads rather than trust what it loaded before."""
    value = shared_reads.get(name)  # once a batch of deliveries
    if value is None:
        value = uuid.uuid4().hex
        if not cache.add(name, value, None):
            value = cache.get(name) or value
        shared_reads.remember(name, value)
    return value


def state() -> State:
    keys = (_key(PROFILE_KEY), _key(LEARNED_KEY), provider_name())
    current = _state[0]
    if current is not None and _fresh(current, keys):
        return current
    with _lock:
        current = _state[0]
        if current is None or not _fresh(current, keys):
            current = _load(keys)
            _state[0] = current
        return current


def _fresh(current: State, keys: tuple) -> bool:
    if current.keys[0] != keys[0] or current.keys[2] != keys[2]:
        return False
    if time.monotonic() - current.loaded_at > MAX_AGE_SECONDS:
        return False  # a team deleted or changed outside org's actions is seen in time
    if current.keys[1] == keys[1]:
        return True
    refresh = getattr(settings, "TRIAGE_LEARNED_REFRESH_SECONDS", 10)
    return time.monotonic() - current.loaded_at < refresh


def _load(keys: tuple) -> State:
    provider = get_provider()
    rows = TriageVector.objects.filter(provider=provider.name)
    stored = {row.team_id: row for row in rows if row.kind == TriageVector.Kind.TEAM}
    categories = {
        row.category: from_bytes(row.profile, provider.dim)
        for row in rows
        if row.kind == TriageVector.Kind.CATEGORY
    }
    config = TriageSettings.objects.filter(pk=1).values("semantic_threshold", "queue_team_id")
    config = config.first() or {"semantic_threshold": 0.4, "queue_team_id": None}
    queue = config["queue_team_id"]
    lessons = _lessons(provider.name)
    # The triage queue's team is where unsure tickets wait, not a team that does the work.
    active = Team.objects.filter(status=Team.Status.ACTIVE).exclude(pk=queue).order_by("name")
    active = list(active)
    teams = [
        _team_vector(team, stored.get(team.pk), _vectors(lessons.get(team.pk)), provider)
        for team in active
    ]
    lexicon = _lexicon(active, lessons, keys)
    missing = CategoryProfile.objects.exclude(category__in=list(categories))
    for profile in missing:  # not embedded yet (the event is on its way): embed here
        categories[profile.category] = category_vector(profile, provider)
    return State(
        provider=provider.name,
        teams=teams,
        categories=categories,
        threshold=config["semantic_threshold"],
        queue_team_id=str(queue) if queue else None,
        weights=weights(),
        lexicon=lexicon,
        keys=keys,
    )


def _lessons(provider: str) -> dict:
    """Each team's latest lessons: (key, vector, title, description), one query."""
    ranked = TriageLesson.objects.filter(provider=provider).annotate(
        position=Window(RowNumber(), partition_by=F("team_id"), order_by=F("learned_at").desc())
    )
    found: dict = {}
    for ticket_id, team_id, learned_at, blob, title, description in ranked.filter(
        position__lte=NEIGHBOURS_PER_TEAM
    ).values_list(
        "ticket_id", "team_id", "learned_at", "vector", "ticket__title", "ticket__description"
    ):
        key = (ticket_id, team_id, learned_at)
        found.setdefault(team_id, []).append((key, from_bytes(blob), title, description))
    return found


def _vectors(lessons) -> np.ndarray | None:
    return np.vstack([vector for _, vector, _, _ in lessons]) if lessons else None


def _lexicon(active: list[Team], lessons: dict, keys: tuple) -> Lexicon:
    """The n-grams of the profiles and of each team's lessons. With the same profiles as the
    lexicon this process holds, that one is kept and learns only the lessons it lacks."""
    ids = tuple(team.pk for team in active)
    current = _state[0]
    same = current is not None and current.keys[0] == keys[0] and current.keys[2] == keys[2]
    if same and current.lexicon is not None and current.lexicon.ids == ids:
        lexicon = current.lexicon
    else:
        lexicon = Lexicon(
            ["\n".join(team_parts(team)) for team in active],
            ids=ids,
            topics=[team_topics(team) for team in active],
        )
    lexicon.learn(
        [
            Lesson(key, index, title or "", description or "")
            for index, team in enumerate(active)
            for key, _, title, description in lessons.get(team.pk, ())
        ]
    )
    return lexicon


def team_parts(team: Team) -> list[str]:
    return profile_text_parts(
        name=team.name,
        description=team.description,
        capabilities=team.capabilities,
        examples=team.example_tickets,
    )


def team_vector(team: Team, provider) -> np.ndarray:
    return unit(provider.embed(team_parts(team)).mean(axis=0))


def team_topics(team: Team) -> list[str]:
    return profile_topics(
        description=team.description,
        capabilities=team.capabilities,
        examples=team.example_tickets,
    )


# A profile's topic vectors, by provider, glossary and topics. Embedded in the process, not
# stored: a dozen teams' 400 short topics take about 30 ms, once per process and profile text,
# where the reload of lessons every few seconds would otherwise embed them again.
_topic_vectors: dict[tuple, np.ndarray] = {}
TOPIC_CACHE_SIZE = 1000


def topic_vectors(team: Team, provider) -> np.ndarray:
    topics, words = tuple(team_topics(team)), glossary()
    # The glossary's identity too: another configuration of it annotates the topics anew
    # (glossary.current keeps each one built for the process's life, so ids are not reused).
    key = (provider.name, id(words), topics)
    found = _topic_vectors.get(key)
    if found is None:
        found = provider.embed([words.annotate(topic) for topic in topics])
        if len(_topic_vectors) >= TOPIC_CACHE_SIZE:
            _topic_vectors.clear()  # profiles edited a thousand times: start again
        _topic_vectors[key] = found
    return found


def category_vector(profile: CategoryProfile, provider) -> np.ndarray:
    parts = profile_text_parts(
        name=profile.category,
        description=profile.description,
        capabilities=[],
        examples=profile.examples,
    )
    return unit(provider.embed(parts).mean(axis=0))


def _team_vector(team: Team, row, neighbours, provider) -> blend.TeamVector:
    profile = from_bytes(row.profile, provider.dim) if row else team_vector(team, provider)
    learned = None
    count = row.learned_count if row else 0
    if count and row.learned_sum is not None:
        learned = unit(from_bytes(row.learned_sum, provider.dim))
    return blend.TeamVector(
        team_id=str(team.pk),
        name=team.name,
        capabilities=tuple(c.lower() for c in team.capabilities),
        profile=profile,
        learned=learned,
        learned_count=count,
        neighbours=neighbours,
        topics=topic_vectors(team, provider),
        topic_names=tuple(team_topics(team)),
    )


def ticket_vector(title: str, description: str, provider=None) -> np.ndarray:
    """The title and the description embedded apart and averaged: a long description does
    not drown the title, which says most."""
    provider = provider or get_provider()
    words = glossary()
    if not (description or "").strip():
        return provider.embed([words.annotate(title or "")])[0]
    rows = provider.embed([words.annotate(title or ""), words.annotate(description)])
    return unit(rows[0] + rows[1])


def signals(title: str, description: str, keyword_map) -> blend.Signals:
    keyword = triage.guess_category(title, description, keyword_map)
    prediction = learned_triage.predict(title, description)
    return blend.Signals(
        keyword_category=keyword,
        classifier_category=prediction.category if prediction else "",
        classifier_confidence=prediction.category_confidence if prediction else 0.0,
        classifier_trusted=bool(
            prediction and prediction.category_confidence >= prediction.threshold
        ),
        classifier_probabilities=prediction.category_probabilities if prediction else (),
    )


def triage_ticket(title: str, description: str, keyword_map) -> blend.TriageResult | None:
    """Triage's reading of a ticket; None when there is no text or no active team."""
    if not (title or "").strip() and not (description or "").strip():
        return None
    current = state()
    if not current.teams:
        return None
    read = current.lexicon.scores(title, description) if current.lexicon else None
    return blend.triage(
        vector=ticket_vector(title, description),
        teams=current.teams,
        categories=current.categories,
        signals=signals(title, description, keyword_map),
        weights=current.weights,
        threshold=current.threshold,
        provider=current.provider,
        lexical=read.profile if read else None,
        learned_lexical=read.learned if read else None,
        lesson_counts=current.lexicon.counts if current.lexicon else None,
        lexical_topics=read.topics if read else None,
    )


def queue_team_id() -> str | None:
    return state().queue_team_id


def guess(title: str, description: str, keyword_map) -> tuple[str, blend.TriageResult | None]:
    """The category of a ticket that came without one, and triage's reading of it; with
    semantic triage off (``TRIAGE_SEMANTIC``) or nothing to rank, the learned classifier's or
    the keyword map's guess alone."""
    if getattr(settings, "TRIAGE_SEMANTIC", True):
        result = triage_ticket(title, description, keyword_map)
        if result is not None:
            return result.category, result
    return learned_triage.guess_category(title, description, keyword_map), None
