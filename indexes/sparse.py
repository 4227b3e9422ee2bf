"""BM25 over jieba tokens: per-passage term statistics on disk (indexes/bm25.py), scored like bm25s.

A version's `bm25/` folder holds `stats.npz` (the term statistics, their texts' keys and the tokenizer tag)
and `params.json`. Versions built before hold a bm25s index there instead; they are still served, by bm25s.
"""

from __future__ import annotations

import json
from functools import cached_property
from itertools import pairwise
from pathlib import Path

import numpy as np

from indexes.bm25 import K1, KEY_BYTES, B, BM25Scorer, TermStats
from indexes.npz_store import load_arrays, save_arrays

EMPTY_DOCUMENT = "<empty>"  # stands in for a document without tokens (no real token has angle brackets)
FORMAT = "term-stats-1"
ARRAYS = ("indptr", "term_ids", "counts", "df", "keys", "vocab", "vocab_offsets", "tokenizer")


class SparseIndex:
    """BM25 over the passages' token lists; `stats` can be carried to the next build (indexes/store.py)."""

    def __init__(self, stats: TermStats, tokenizer_tag: str = "") -> None:
        self.stats, self.tokenizer_tag = stats, tokenizer_tag
        self.size = len(stats)

    @classmethod
    def build(
        cls, token_lists: list[list[str]], keys: list[bytes] | None = None, tokenizer_tag: str = ""
    ) -> SparseIndex:
        keys = keys if keys is not None else [bytes(KEY_BYTES)] * len(token_lists)
        return cls(TermStats.empty().append(with_empty(token_lists), keys), tokenizer_tag)

    @cached_property
    def _scorer(self) -> BM25Scorer:
        return BM25Scorer(self.stats, K1, B)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        if not query_tokens:
            return np.zeros(self.size, dtype="float32")
        return self._scorer.scores(query_tokens)

    def document_frequencies(self) -> dict[str, int]:
        """How many passages hold each token."""
        return {
            term: int(df)
            for term, df in zip(self.stats.vocab, self.stats.df.tolist(), strict=True)
            if df > 0 and term != EMPTY_DOCUMENT
        }

    def save(self, folder: Path) -> None:
        stats = self.stats
        text = "".join(stats.vocab).encode("utf-8")
        offsets = np.cumsum([0, *(len(t.encode("utf-8")) for t in stats.vocab)], dtype="int64")
        save_arrays(
            folder / "stats.npz",
            indptr=stats.indptr,
            term_ids=stats.term_ids,
            counts=stats.counts,
            df=stats.df,
            keys=stats.keys,
            vocab=np.frombuffer(text, dtype="uint8"),
            vocab_offsets=offsets,
            tokenizer=np.array(self.tokenizer_tag),
        )
        params = {"format": FORMAT, "method": "lucene", "k1": K1, "b": B, "passages": self.size}
        (folder / "params.json").write_text(json.dumps(params), "utf-8")

    @staticmethod
    def read_stats(folder: Path) -> tuple[TermStats, str] | None:
        """The statistics and tokenizer tag saved in `folder`; None when absent or unreadable."""
        arrays = load_arrays(folder / "stats.npz", ARRAYS)
        if arrays is None:
            return None
        try:
            raw, bounds = arrays["vocab"].tobytes(), arrays["vocab_offsets"].tolist()
            vocab = tuple(raw[a:b].decode("utf-8") for a, b in pairwise(bounds))
        except UnicodeDecodeError:
            return None
        stats = TermStats(
            vocab, arrays["indptr"], arrays["term_ids"], arrays["counts"], arrays["df"], arrays["keys"]
        )
        consistent = (
            len(stats.df) == len(vocab)
            and stats.keys.shape == (len(stats), KEY_BYTES)
            and len(stats.term_ids) == len(stats.counts) == int(stats.indptr[-1])
            and (not len(stats.term_ids) or int(stats.term_ids.max()) < len(vocab))
        )
        return (stats, str(arrays["tokenizer"])) if consistent else None

    @classmethod
    def load(cls, folder: Path, size: int) -> SparseIndex:
        """A version's BM25 (a bm25s folder of the layout before is served by bm25s); ValueError if unreadable."""
        if not (folder / "stats.npz").exists() and (folder / "params.index.json").exists():
            return BM25sIndex.load(folder, size)
        loaded = cls.read_stats(folder)
        if loaded is None or len(loaded[0]) != size:
            raise ValueError(f"no BM25 statistics of {size} passages in {folder}")
        return cls(*loaded)


def with_empty(token_lists: list[list[str]]) -> list[list[str]]:
    return [tokens or [EMPTY_DOCUMENT] for tokens in token_lists]


class BM25sIndex(SparseIndex):
    """A bm25s index of a version built before the term statistics (read-only; the next build replaces it)."""

    def __init__(self, retriever: object, size: int) -> None:
        super().__init__(TermStats.empty())
        self._retriever = retriever
        self.size = size

    @classmethod
    def load(cls, folder: Path, size: int) -> BM25sIndex:
        import bm25s

        return cls(bm25s.BM25.load(str(folder)), size)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        if not query_tokens:
            return np.zeros(self.size, dtype="float32")
        return np.asarray(self._retriever.get_scores(query_tokens), dtype="float32")  # type: ignore[attr-defined]

    def document_frequencies(self) -> dict[str, int]:
        """Read off the score matrix: bm25s stores one positive score per (document, distinct token)."""
        retriever = self._retriever
        per_column = np.diff(np.asarray(retriever.scores["indptr"]))  # type: ignore[attr-defined]
        return {
            token: int(per_column[column])
            for token, column in retriever.vocab_dict.items()  # type: ignore[attr-defined]
            if column < len(per_column) and token != EMPTY_DOCUMENT and per_column[column] > 0
        }

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder))  # type: ignore[attr-defined]
