"""Learned triage: a TF-IDF + logistic-regression classifier trained on resolved tickets
predicts the category and the priority of a ticket that arrives without them, with a
confidence. Below the threshold set in the admin (TriageSettings), or with no active model,
the keyword map (routing.triage) decides the category and the ITIL matrix the priority.

The fitted pipelines are stored in the database (TriageModel.pipeline, joblib bytes) so every
process uses the same model; each process keeps the active one in memory, keyed on its id, and
reads which one is active through the cache (cleared whenever the settings change). The bytes
are only ever written by train_model in this module, never taken from outside.

Training and evaluation (``fit_and_evaluate``) are pure: texts and labels in, pipelines and
held-out metrics out."""

import io
import math
import threading
from collections import Counter
from dataclasses import dataclass, field

import joblib
import numpy as np
import sklearn
from django.core.cache import cache
from django.db import transaction
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, classification_report, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from core import shared_reads
from core.exceptions import DomainValidationError
from routing import triage
from routing.models import TriageModel, TriageSettings
from tickets.lifecycle import CLOSED_STATUSES
from tickets.models import Ticket

MIN_SAMPLES = 20
MAX_SAMPLES = 50_000
CACHE_KEY = "routing:learned-triage:active"
shared_reads.prefetch(lambda: (CACHE_KEY,))
CACHE_SECONDS = 60
DEFAULT_THRESHOLD = 0.5


# --- pure: fit and evaluate -------------------------------------------------------------------


def ticket_text(title: str, description: str) -> str:
    return f"{title or ''}\n{title or ''}\n{description or ''}"


def build_pipeline() -> Pipeline:
    return Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(
                    sublinear_tf=True,
                    ngram_range=(1, 2),
                    min_df=1,
                    max_features=100_000,
                    strip_accents="unicode",
                ),
            ),
            ("classifier", LogisticRegression(max_iter=2000, C=10.0)),
        ]
    )


@dataclass
class Evaluation:
    samples: int
    held_out: int
    category_accuracy: float
    category_macro_f1: float
    priority_accuracy: float | None
    priority_macro_f1: float | None
    categories: list[str]
    report: dict
    pipelines: dict = field(repr=False)


def _split(texts, labels, test_size: float, seed: int):
    counts = Counter(labels)
    held_out = math.ceil(len(labels) * test_size)
    stratify = labels if min(counts.values()) >= 2 and held_out >= len(counts) else None
    return train_test_split(
        texts, labels, np.arange(len(labels)), test_size=test_size, random_state=seed,
        stratify=stratify,
    )  # fmt: skip


def _score(texts, labels, test_size: float, seed: int):
    train_x, test_x, train_y, test_y, _, _ = _split(texts, labels, test_size, seed)
    if len(set(train_y)) < 2:
        raise DomainValidationError(
            {"non_field_errors": ["The training split holds fewer than two classes."]}
        )
    evaluated = build_pipeline().fit(train_x, train_y)
    predicted = evaluated.predict(test_x)
    accuracy = float(accuracy_score(test_y, predicted))
    macro_f1 = float(f1_score(test_y, predicted, average="macro", zero_division=0))
    report = classification_report(test_y, predicted, output_dict=True, zero_division=0)
    return accuracy, macro_f1, report, len(test_y)


def fit_and_evaluate(
    texts: list[str],
    categories: list[str],
    priorities: list[str] | None = None,
    *,
    test_size: float = 0.2,
    seed: int = 0,
) -> Evaluation:
    """Accuracy and macro F1 on a held-out split (stratified when every class has two
    examples), then the same pipelines refitted on everything for use. One BLAS thread:
    these small problems run many times slower when BLAS threads fight over the cores."""
    with threadpool_limits(limits=1):
        return _fit_and_evaluate(texts, categories, priorities, test_size=test_size, seed=seed)


def _fit_and_evaluate(texts, categories, priorities, *, test_size: float, seed: int):
    if len(texts) < MIN_SAMPLES or len(set(categories)) < 2:
        raise DomainValidationError(
            {
                "non_field_errors": [
                    f"Training needs at least {MIN_SAMPLES} resolved tickets in two or more "
                    f"categories (have {len(texts)} in {len(set(categories))})."
                ]
            }
        )
    accuracy, macro_f1, report, held_out = _score(texts, categories, test_size, seed)
    pipelines = {"category": build_pipeline().fit(texts, categories), "priority": None}
    priority_accuracy = priority_f1 = None
    if priorities is not None and len(set(priorities)) >= 2:
        priority_accuracy, priority_f1, _, _ = _score(texts, priorities, test_size, seed)
        pipelines["priority"] = build_pipeline().fit(texts, priorities)
    return Evaluation(
        samples=len(texts),
        held_out=held_out,
        category_accuracy=round(accuracy, 4),
        category_macro_f1=round(macro_f1, 4),
        priority_accuracy=None if priority_accuracy is None else round(priority_accuracy, 4),
        priority_macro_f1=None if priority_f1 is None else round(priority_f1, 4),
        categories=sorted(set(categories)),
        report={
            label: {k: round(v, 4) for k, v in scores.items()}
            for label, scores in report.items()
            if isinstance(scores, dict)
        },
        pipelines=pipelines,
    )


def class_probabilities(pipeline: Pipeline, text: str) -> tuple[tuple[str, float], ...]:
    """Every class with its probability (semantic triage weighs each team by them)."""
    with threadpool_limits(limits=1):
        row = pipeline.predict_proba([text])[0]
    return tuple((str(c), float(p)) for c, p in zip(pipeline.classes_, row, strict=True))


def best_guess(pipeline: Pipeline | None, text: str) -> tuple[str, float] | None:
    return max(class_probabilities(pipeline, text), key=lambda pair: pair[1]) if pipeline else None


# --- models in the database -------------------------------------------------------------------


def dump(pipelines: dict) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(pipelines, buffer, compress=3)
    return buffer.getvalue()


def load(blob) -> dict:
    return joblib.load(io.BytesIO(bytes(blob)))


def training_rows(max_samples: int = MAX_SAMPLES):
    """Title, description, category and priority of the latest resolved or closed tickets
    that have a category."""
    rows = (
        Ticket.objects.filter(status__in=CLOSED_STATUSES)
        .exclude(category="")
        .order_by("-resolved_at", "reference")  # a stable order: the same split every run
        .values_list("title", "description", "category", "priority")[:max_samples]
    )
    return [(ticket_text(t, d), c.strip().lower(), p) for t, d, c, p in rows]


def train_model(
    *, activate: bool | None = None, test_size: float = 0.2, seed: int = 0, rows=None
) -> TriageModel:
    """Fit, evaluate and store a new model version. ``activate``: True makes it the active
    one, False never; None (the weekly task) when the settings allow it and its category
    macro F1 is at least the active model's."""
    rows = training_rows() if rows is None else rows
    evaluation = fit_and_evaluate(
        [text for text, _, _ in rows],
        [category for _, category, _ in rows],
        [priority for _, _, priority in rows],
        test_size=test_size,
        seed=seed,
    )
    with transaction.atomic():
        model = TriageModel.objects.create(
            sklearn_version=sklearn.__version__,
            samples=evaluation.samples,
            held_out=evaluation.held_out,
            category_accuracy=evaluation.category_accuracy,
            category_macro_f1=evaluation.category_macro_f1,
            priority_accuracy=evaluation.priority_accuracy,
            priority_macro_f1=evaluation.priority_macro_f1,
            categories=evaluation.categories,
            report=evaluation.report,
            pipeline=dump(evaluation.pipelines),
        )
        current = settings_row(lock=True)
        if activate is None:
            active = TriageModel.objects.defer("pipeline").filter(pk=current.active_model_id)
            active = active.first()
            activate = current.auto_activate and (
                active is None or model.category_macro_f1 >= active.category_macro_f1
            )
        if activate:
            current.active_model = model
            current.save(update_fields=["active_model"])
            forget_active()
            transaction.on_commit(forget_active)
    return model


def settings_row(*, lock: bool = False) -> TriageSettings:
    """The one settings row (created on first use); ``lock``: FOR UPDATE, until commit."""
    rows = TriageSettings.objects.select_for_update() if lock else TriageSettings.objects
    found = rows.filter(pk=1).first()
    if found is None:
        TriageSettings.objects.get_or_create(pk=1)
        found = rows.get(pk=1)
    return found


@transaction.atomic
def save_settings(*, active_model_id: int | None, confidence_threshold: float, auto_activate=True):
    """The admin's choice of active model and threshold."""
    if not 0.0 <= confidence_threshold <= 1.0:
        raise DomainValidationError({"confidence_threshold": ["Must be between 0 and 1."]})
    if active_model_id is not None and not TriageModel.objects.filter(pk=active_model_id).exists():
        raise DomainValidationError({"active_model": ["No such model."]})
    current = settings_row(lock=True)
    current.active_model_id = active_model_id
    current.confidence_threshold = confidence_threshold
    current.auto_activate = auto_activate
    current.save()
    forget_active()
    transaction.on_commit(forget_active)
    return current


def activate_model(*, model_id: int) -> TriageSettings:
    current = settings_row()
    return save_settings(
        active_model_id=model_id,
        confidence_threshold=current.confidence_threshold,
        auto_activate=current.auto_activate,
    )


def forget_active() -> None:
    cache.delete(CACHE_KEY)
    shared_reads.remember(CACHE_KEY, None)


# --- prediction ------------------------------------------------------------------------------


class _Loaded:
    def __init__(self) -> None:
        self.model_id = None
        self.pipelines: dict | None = None
        self.lock = threading.Lock()


_loaded = _Loaded()


def _active() -> tuple:
    """(active model id, threshold, what identifies that model's row), from the cache; one
    small query when it is cold."""
    value = shared_reads.get(CACHE_KEY)  # once a batch of deliveries
    if value is None:
        row = TriageSettings.objects.filter(pk=1).values_list(
            "active_model_id",
            "confidence_threshold",
            "active_model__created_at",
            "active_model__samples",
        )
        found = row.first()
        value = (found[0], found[1], found[2:]) if found else (None, DEFAULT_THRESHOLD, ())
        cache.set(CACHE_KEY, value, CACHE_SECONDS)
        shared_reads.remember(CACHE_KEY, value)
    return value


def active_config() -> tuple[int | None, float]:
    model_id, threshold, _ = _active()
    return model_id, threshold


def _pipelines(model_id: int, identity: tuple) -> dict | None:
    with _loaded.lock:
        if _loaded.model_id != (model_id, identity):
            blob = TriageModel.objects.filter(pk=model_id).values_list("pipeline", flat=True)
            blob = blob.first()
            try:
                _loaded.pipelines = load(blob) if blob is not None else None
            except Exception:  # a model pickled by another scikit-learn: use the fallback
                _loaded.pipelines = None
            _loaded.model_id = (model_id, identity)
        return _loaded.pipelines


@dataclass(frozen=True)
class Prediction:
    model_id: int
    threshold: float
    category: str
    category_confidence: float
    priority: str | None
    priority_confidence: float | None
    category_probabilities: tuple[tuple[str, float], ...] = ()


def predict(title: str, description: str = "") -> Prediction | None:
    """The active model's guesses, or None without an active (loadable) model."""
    if not (title or "").strip() and not (description or "").strip():
        return None
    model_id, threshold, identity = _active()
    if model_id is None:
        return None
    pipelines = _pipelines(model_id, identity)
    if not pipelines:
        return None
    text = ticket_text(title, description)
    probabilities = class_probabilities(pipelines["category"], text)
    category, category_confidence = max(probabilities, key=lambda pair: pair[1])
    priority = best_guess(pipelines.get("priority"), text)
    return Prediction(
        model_id=model_id,
        threshold=threshold,
        category=category,
        category_confidence=round(category_confidence, 4),
        priority=priority[0] if priority else None,
        priority_confidence=round(priority[1], 4) if priority else None,
        category_probabilities=probabilities,
    )


@dataclass(frozen=True)
class Guess:
    value: str
    confidence: float | None
    source: str  # "model #<id>", "keywords" or "" (nothing matched)


def triage_category(title: str, description: str, keyword_map) -> Guess:
    """The learned model's category when it is confident enough, else the keyword map's."""
    prediction = predict(title, description)
    if prediction and prediction.category_confidence >= prediction.threshold:
        return Guess(
            prediction.category, prediction.category_confidence, f"model #{prediction.model_id}"
        )
    category = triage.guess_category(title, description, keyword_map)
    return Guess(category, None, "keywords" if category else "")


def guess_category(title: str, description: str, keyword_map) -> str:
    """Drop-in for routing.triage.guess_category: empty when neither way finds one."""
    return triage_category(title, description, keyword_map).value


def guess_priority(title: str, description: str = "") -> str | None:
    """The learned priority when the model is confident; None leaves it to the ITIL matrix."""
    prediction = predict(title, description)
    if (
        prediction
        and prediction.priority
        and prediction.priority_confidence is not None
        and prediction.priority_confidence >= prediction.threshold
    ):
        return prediction.priority
    return None
