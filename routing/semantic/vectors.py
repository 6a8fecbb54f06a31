"""Vectors as the database keeps them: little-endian float32 bytes."""

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
