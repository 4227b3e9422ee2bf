"""Dense vectors in faiss: inner product on L2-normalised vectors (= cosine)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import faiss
import numpy as np


class DenseIndex:
    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray) -> DenseIndex:
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(np.ascontiguousarray(vectors, dtype="float32"))
        return cls(index)

    @classmethod
    def build_from_chunks(cls, dim: int, chunks: Iterable[np.ndarray]) -> DenseIndex:
        """The same index, added a chunk at a time (faiss keeps its one copy; the chunks come and go)."""
        index = faiss.IndexFlatIP(dim)
        for chunk in chunks:
            index.add(np.ascontiguousarray(chunk, dtype="float32"))
        return cls(index)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def scores(self, query_vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query to every passage, in passage order."""
        query = np.ascontiguousarray(query_vector.reshape(1, -1), dtype="float32")
        sims, ids = self._index.search(query, self.size)
        out = np.zeros(self.size, dtype="float32")
        out[ids[0]] = sims[0]
        return out

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        """Memory-mapped, read-only: workers share the vectors through the page cache instead of copying them."""
        return cls(faiss.read_index(str(path), getattr(faiss, "IO_FLAG_MMAP_IFC", 0)))

    def rows(self, start: int, stop: int) -> np.ndarray:
        """The stored vectors of passages [start, stop) (a copy)."""
        if stop <= start:
            return np.zeros((0, self._index.d), dtype="float32")
        return np.asarray(self._index.reconstruct_n(start, stop - start), dtype="float32")
