"""What earlier decisions would have been under other weights: the candidates each scoring
decision stored (every eligible team with its seven factor scores) ranked again with the new
weights, as the engine ranks them. Pure: decision rows in, a preview out.

Only decisions made by scoring can move: a rule's assignment and affinity do not depend on the
weights. The factor scores are those of the moment of the decision, so the preview answers
"had these weights been in force", not "if these tickets arrived now"."""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from routing.engine import METHOD_SCORING, ranking_key
from routing.scoring import FACTORS, composite


@dataclass(frozen=True)
class Moved:
    reference: str
    old_team: str
    new_team: str
    old_composite: float
    new_composite: float


@dataclass
class Preview:
    considered: int = 0
    by_scoring: int = 0
    moved: list[Moved] = field(default_factory=list)
    gained: Counter = field(default_factory=Counter)  # team -> tickets it would gain
    lost: Counter = field(default_factory=Counter)  # team -> tickets it would lose

    @property
    def unchanged(self) -> int:
        return self.considered - len(self.moved)

    @property
    def gains(self) -> list[tuple[str, int]]:
        return self.gained.most_common()

    @property
    def losses(self) -> list[tuple[str, int]]:
        return self.lost.most_common()


def _best(candidates: list[Mapping], weights: Mapping[str, float]) -> tuple[Mapping, float]:
    def scored(candidate: Mapping) -> float:
        scores = candidate.get("scores") or {}
        return composite({name: float(scores.get(name, 0.0)) for name in FACTORS}, weights)

    ranked = [(scored(c), c) for c in candidates]
    value, best = min(
        ranked,
        key=lambda pair: ranking_key(
            pair[0],
            float((pair[1].get("scores") or {}).get("availability", 0.0)),
            str(pair[1].get("group_name", "")),
            str(pair[1].get("group_id", "")),
        ),
    )
    return best, value


def reweigh(decisions: Iterable[Mapping], weights: Mapping[str, float]) -> Preview:
    """``decisions``: rows with reference, team_id, team_name, method, candidates and
    (optionally) scores, newest first. ``weights``: the seven ``<factor>_weight`` values."""
    preview = Preview()
    for decision in decisions:
        preview.considered += 1
        candidates = decision.get("candidates") or []
        if decision.get("method") != METHOD_SCORING or not candidates:
            continue
        preview.by_scoring += 1
        best, value = _best(candidates, weights)
        old_id = str(decision.get("team_id") or "")
        if str(best.get("group_id")) == old_id:
            continue
        old_name = decision.get("team_name") or "nobody"
        new_name = str(best.get("group_name", ""))
        old_composite = float((decision.get("scores") or {}).get("composite", 0.0))
        preview.moved.append(
            Moved(decision["reference"], old_name, new_name, old_composite, round(value, 4))
        )
        preview.gained[new_name] += 1
        preview.lost[old_name] += 1
    return preview
