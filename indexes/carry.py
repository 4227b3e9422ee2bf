"""The published version a build carries unchanged documents over from, and the vectors of a new version.

A version is carried from only when it was built the same way: the same index format, encoder (name, version,
dimension) and tokenizer, with readable per-document rows (indexes/parts.py) that agree with its BM25
statistics and vector files. Its faiss and sentence vectors are read memory-mapped, so a build copies the rows
of the documents it keeps as ranges (the sentence vectors file to file, in the kernel); the vectors of derived
documents come from the embedding cache.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

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


Segment = tuple[int, int] | np.ndarray  # rows [start, stop) of the version before, or keys for the cache


def vector_segments(pieces: Sequence[Piece], previous: PreviousVersion | None, kind: Kind) -> Iterator[Segment]:
    """The new version's vectors of `kind`, in order: ranges of the version before for the pieces taken from
    it, and the keys (consecutive derived documents' joined) whose vectors the embedding cache holds."""
    pending: list[np.ndarray] = []
    for piece in pieces:
        passages, sentences = piece.rows.spans(piece.first, piece.stop)
        start, stop = passages if kind == "passages" else sentences
        if previous is not None and piece.rows is previous.rows:
            if pending:
                yield np.concatenate(pending)
                pending = []
            yield start, stop
        else:
            keys = piece.rows.passage_keys if kind == "passages" else piece.rows.sentence_keys
            pending.append(keys[start:stop])
    if pending:
        yield np.concatenate(pending)


def vector_chunks(
    pieces: Sequence[Piece], previous: PreviousVersion | None, cache: VectorShards, kind: Kind
) -> Iterator[np.ndarray]:
    """The vectors of `vector_segments`, at most CHUNK_ROWS at a time."""
    for segment in vector_segments(pieces, previous, kind):
        if isinstance(segment, tuple):
            assert previous is not None  # a range only comes from the version before
            for at in range(segment[0], segment[1], CHUNK_ROWS):
                yield previous.vectors(kind, at, min(at + CHUNK_ROWS, segment[1]))
        else:
            yield from from_cache(cache, segment)


def from_cache(cache: VectorShards, keys: np.ndarray) -> Iterator[np.ndarray]:
    for at in range(0, len(keys), CHUNK_ROWS):
        yield cache.gather(cache.locate(keys[at : at + CHUNK_ROWS]))


# File I/O.


def write_sentence_vectors(
    path: Path, shape: tuple[int, int], pieces: Sequence[Piece], previous: PreviousVersion | None, cache: VectorShards
) -> None:
    """The new version's sentence vectors as a float32 .npy file: the version before's rows copied file to
    file by the kernel (`os.copy_file_range`), the cache's vectors written after them, in order."""
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype("float32")), "fortran_order": False, "shape": shape}
    row_bytes = shape[1] * 4
    written = 0
    with path.open("wb", buffering=0) as handle:
        np.lib.format.write_array_header_1_0(handle, header)
        for segment in vector_segments(pieces, previous, "sentences"):
            if isinstance(segment, tuple):
                assert previous is not None
                copy_rows(previous, handle, segment, row_bytes)
                written += segment[1] - segment[0]
                continue
            for chunk in from_cache(cache, segment):
                handle.write(np.ascontiguousarray(chunk, dtype="float32").tobytes())
                written += len(chunk)
    if written != shape[0]:
        raise ValueError(f"{written} rows written to {path}, {shape[0]} expected")


def copy_rows(previous: PreviousVersion, handle: BinaryIO, rows: tuple[int, int], row_bytes: int) -> None:
    source = previous.sentence_vectors
    offset = getattr(source, "offset", None)
    if isinstance(source, np.memmap) and offset is not None and source.filename:
        start = handle.tell()
        try:
            with open(source.filename, "rb") as origin:
                size = (rows[1] - rows[0]) * row_bytes
                copy_range(origin.fileno(), handle.fileno(), offset + rows[0] * row_bytes, size)
            return
        except OSError:  # no copy_file_range here (another system, another file system): copy through memory
            handle.seek(start)
            handle.truncate()
    for at in range(rows[0], rows[1], CHUNK_ROWS):
        handle.write(previous.vectors("sentences", at, min(at + CHUNK_ROWS, rows[1])).tobytes())


def copy_range(source: int, target: int, offset: int, size: int) -> None:
    """`size` bytes of `source` from `offset` to `target` at its position (which moves past them)."""
    while size > 0:
        sent = os.copy_file_range(source, target, size, offset)
        if sent <= 0:
            raise OSError("copy_file_range copied nothing")
        offset, size = offset + sent, size - sent
