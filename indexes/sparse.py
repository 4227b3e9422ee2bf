"""BM25 over jieba tokens, with bm25s doing the scoring and persistence."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np


class SparseIndex:
    def __init__(self, retriever: bm25s.BM25, size: int) -> None:
        self._retriever = retriever
        self.size = size

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> SparseIndex:
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index([tokens or ["<empty>"] for tokens in token_lists], show_progress=False)
        return cls(retriever, len(token_lists))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        if not query_tokens:
            return np.zeros(self.size, dtype="float32")
        return np.asarray(self._retriever.get_scores(query_tokens), dtype="float32")

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder))

    @classmethod
    def load(cls, folder: Path, size: int) -> SparseIndex:
        return cls(bm25s.BM25.load(str(folder)), size)
