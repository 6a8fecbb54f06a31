"""The default provider: WordLlama's 256-dimension static token embeddings, shipped with its
tokenizer inside the wheel. Never downloads: the loader is pointed at the package's own folder
(its ``tokenizers/`` subfolder is where it looks under ``cache_dir``; the folder it checks first
is misnamed) and told not to download, and the Hugging Face libraries are told to stay
offline. A missing file is an error, not a download."""

import os
from pathlib import Path

import numpy as np

from routing.semantic.providers import ProviderError, normalise

DIM = 256
CONFIG = "l2_supercat"


def package_folder() -> Path:
    import wordllama

    return Path(wordllama.__file__).resolve().parent


def bundled_files() -> dict[str, Path]:
    """Where the weights and the tokenizer of the pinned wheel are."""
    folder = package_folder()
    return {
        "weights": folder / "weights" / f"{CONFIG}_{DIM}.safetensors",
        "tokenizer": folder / "tokenizers" / f"{CONFIG}_tokenizer_config.json",
    }


class WordLlamaProvider:
    name = "wordllama"
    dim = DIM

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        missing = [str(path) for path in bundled_files().values() if not path.is_file()]
        if missing:
            raise ProviderError(f"WordLlama's bundled files are missing: {', '.join(missing)}.")
        from wordllama import WordLlama

        self.model = WordLlama.load(
            config=CONFIG, dim=DIM, cache_dir=package_folder(), disable_download=True
        )

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(self.model.embed([text or "" for text in texts]))
