"""BM25 over jieba tokens, with bm25s doing the scoring and persistence."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np

EMPTY_DOCUMENT = "<empty>"  # stands in for a document without tokens (no real token has angle brackets)


class SparseIndex:
    def __init__(self, retriever: bm25s.BM25, size: int) -> None:
        self._retriever = retriever
        self.size = size

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> SparseIndex:
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index([tokens or [EMPTY_DOCUMENT] for tokens in token_lists], show_progress=False)
        return cls(retriever, len(token_lists))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        if not query_tokens:
            return np.zeros(self.size, dtype="float32")
        return np.asarray(self._retriever.get_scores(query_tokens), dtype="float32")

    def document_frequencies(self) -> dict[str, int]:
        """How many documents hold each token, read off the score matrix without tokenizing anything:
        bm25s stores one positive score per (document, distinct token), column by token."""
        per_column = np.diff(np.asarray(self._retriever.scores["indptr"]))
        return {
            token: int(per_column[column])
            for token, column in self._retriever.vocab_dict.items()
            if column < len(per_column) and token != EMPTY_DOCUMENT and per_column[column] > 0
        }

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder))

    @classmethod
    def load(cls, folder: Path, size: int) -> SparseIndex:
        return cls(bm25s.BM25.load(str(folder)), size)
