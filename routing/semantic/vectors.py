"""Vectors as the database keeps them: little-endian float32 bytes."""

import re

import numpy as np

DTYPE = np.dtype("<f4")


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=DTYPE).tobytes()


def from_bytes(blob, dim: int | None = None) -> np.ndarray:
    vector = np.frombuffer(bytes(blob), dtype=DTYPE).astype(np.float32)
    if dim is not None and vector.shape[0] != dim:
        raise ValueError(f"A stored vector has {vector.shape[0]} dimensions, not {dim}.")
    return vector


def unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def profile_text_parts(*, name: str, description: str, capabilities, examples) -> list[str]:
    """The texts a profile is the mean of: its description, its name with its capabilities,
    and each example on its own (so one long description does not drown the examples)."""
    parts = [description.strip(), f"{name}: {', '.join(capabilities)}".strip(": ")]
    parts += [example.strip() for example in examples]
    return [part for part in parts if part]


# Where a description's topics part: sentences and clauses ("Buildings and offices: access
# cards and badges, lost cards, parking ..."). Not " and ": "keys and lockers" is one topic,
# and splitting there read worse on the history half (docs/triage.md).
TOPIC_BREAKS = re.compile(r"[.,;:()]")
MIN_TOPIC_CHARS = 3


def profile_topics(*, description: str, capabilities, examples) -> list[str]:
    """The topics a profile lists, each read on its own: the clauses of its description, each
    capability and each example. A ticket about one of them (lockers, automatic replies)
    matches that topic closely, where it matches the mean of thirty topics only faintly."""
    found = [part.strip() for part in TOPIC_BREAKS.split(description or "")]
    found += [str(capability).strip() for capability in capabilities]
    found += [example.strip() for example in examples]
    unique = dict.fromkeys(part for part in found if len(part) >= MIN_TOPIC_CHARS)
    return list(unique)
