"""The embedding model behind one small interface: texts in, unit vectors out. The provider is
chosen by ``settings.TRIAGE_PROVIDER`` (a name of PROVIDERS) and built once per process, on
first use, under a lock: a process that never triages never loads a model."""

import threading
from typing import Protocol

import numpy as np
from django.conf import settings
from django.utils.module_loading import import_string

PROVIDERS = {
    "wordllama": "routing.semantic.wordllama_provider.WordLlamaProvider",
    "hashing": "routing.semantic.hashing_provider.HashingProvider",
}
DEFAULT_PROVIDER = "wordllama"


class EmbeddingProvider(Protocol):
    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised float32 row per text (a zero row for a text with no words)."""


class ProviderError(RuntimeError):
    pass


_lock = threading.Lock()
_built: dict[str, EmbeddingProvider] = {}


def provider_name() -> str:
    return getattr(settings, "TRIAGE_PROVIDER", DEFAULT_PROVIDER) or DEFAULT_PROVIDER


def get_provider(name: str | None = None) -> EmbeddingProvider:
    """The process's provider of that name (the configured one by default), built once."""
    name = name or provider_name()
    found = _built.get(name)
    if found is not None:
        return found
    if name not in PROVIDERS:
        raise ProviderError(
            f"Unknown triage provider {name!r}; known: {', '.join(sorted(PROVIDERS))}."
        )
    with _lock:
        if name not in _built:
            _built[name] = import_string(PROVIDERS[name])()
        return _built[name]


def normalise(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; all-zero rows stay zero."""
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
