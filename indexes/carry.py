"""The published version a build carries unchanged documents over from, and the vectors of a new version.

A version is carried from only when it was built the same way: the same index format, encoder (name, version,
dimension) and tokenizer, with readable per-document rows (indexes/parts.py) that agree with its BM25
statistics and vector files. Its faiss and sentence vectors are read memory-mapped, so a build copies the rows
of the documents it keeps as ranges; the vectors of derived documents come from the embedding cache.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from indexes.bm25 import TermStats
from indexes.dense import DenseIndex
from indexes.parts import DocumentRows, Piece, read_parts
from indexes.sentences import read_encoded_sentences, sentence_vectors_path
from indexes.sparse import SparseIndex
from indexes.vector_shards import VectorShards
from indexes.versions import current_version

CHUNK_ROWS = 65_536
Kind = Literal["passages", "sentences"]


@dataclass(frozen=True, slots=True)
class PreviousVersion:
    """What a build takes from the published version: per-document rows, BM25 statistics, vectors."""

    rows: DocumentRows
    stats: TermStats
    dense: DenseIndex
    sentence_vectors: np.ndarray  # float32 (sentences, dim), memory-mapped

    def vectors(self, kind: Kind, start: int, stop: int) -> np.ndarray:
        if kind == "passages":
            return self.dense.rows(start, stop)
        return np.asarray(self.sentence_vectors[start:stop], dtype="float32")


def read_previous(root: Path, expected: dict, tokenizer_tag: str) -> PreviousVersion | None:
    """The published version under `root` if its manifest has the `expected` values and its files agree."""
    version = current_version(root) if root.is_dir() else None
    if version is None:
        return None
    folder = root / version
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if any(manifest.get(key) != value for key, value in expected.items()):
        return None
    encoded = read_encoded_sentences(folder)
    rows = read_parts(folder, encoded) if encoded is not None else None
    loaded = SparseIndex.read_stats(folder / "bm25")
    if rows is None or loaded is None or loaded[1] != tokenizer_tag or len(loaded[0]) != len(rows.passage_keys):
        return None
    try:
        dense = DenseIndex.load(folder / "dense.faiss")
        path = sentence_vectors_path(folder)
        vectors = np.load(path, mmap_mode="r") if len(rows.sentence_keys) else np.load(path)
    except (OSError, RuntimeError, ValueError):
        return None
    if dense.size != len(rows.passage_keys) or vectors.shape != (len(rows.sentence_keys), expected["dim"]):
        return None
    return PreviousVersion(rows, loaded[0], dense, vectors)


def vector_chunks(
    pieces: Sequence[Piece], previous: PreviousVersion | None, cache: VectorShards, kind: Kind
) -> Iterator[np.ndarray]:
    """The new version's vectors of `kind`, in order, at most CHUNK_ROWS at a time: ranges of the version
    before for the pieces taken from it, the embedding cache's vectors (by key) for the others."""
    pending: list[np.ndarray] = []
    for piece in pieces:
        passages, sentences = piece.rows.spans(piece.first, piece.stop)
        start, stop = passages if kind == "passages" else sentences
        if previous is not None and piece.rows is previous.rows:
            yield from from_cache(cache, pending)
            pending = []
            for at in range(start, stop, CHUNK_ROWS):
                yield previous.vectors(kind, at, min(at + CHUNK_ROWS, stop))
        else:
            keys = piece.rows.passage_keys if kind == "passages" else piece.rows.sentence_keys
            pending.append(keys[start:stop])
    yield from from_cache(cache, pending)


def from_cache(cache: VectorShards, keys: list[np.ndarray]) -> Iterator[np.ndarray]:
    if not keys:
        return
    joined = np.concatenate(keys)
    for at in range(0, len(joined), CHUNK_ROWS):
        yield cache.gather(cache.locate(joined[at : at + CHUNK_ROWS]))
