"""Hybrid retrieval: BM25 and dense rankings fused by reciprocal rank, with metadata filters.

The retriever also serves the sentences of each passage with their index-time vectors, and caches
query vectors, so one question costs one query encoding.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property, lru_cache
from typing import Literal

import numpy as np

from corpus.models import DocumentMeta, Passage
from indexes.abbreviations import AbbreviationIndex
from indexes.dense import DenseIndex
from indexes.encoders import Encoder
from indexes.fusion import reciprocal_rank_fusion
from indexes.models import Hit, SearchFilter
from indexes.sentences import SentenceIndex
from indexes.sparse import SparseIndex
from indexes.tokenizer import ChineseTokenizer

Method = Literal["hybrid", "bm25", "dense"]
METHODS: tuple[Method, ...] = ("bm25", "dense", "hybrid")


def index_text(passage: Passage, document: DocumentMeta) -> str:
    """What gets indexed: where the passage stands (locality, section) and what it says."""
    return f"{document.locality.label} {passage.section_label} {passage.text}"


def top_ids(scores: np.ndarray, mask: np.ndarray, limit: int, positive_only: bool = False) -> list[int]:
    masked = np.where(mask, scores, -np.inf)
    if positive_only:
        masked = np.where(masked > 0, masked, -np.inf)
    order = np.argsort(-masked, kind="stable")[:limit]
    return [int(i) for i in order if np.isfinite(masked[i])]


class HybridRetriever:
    def __init__(
        self,
        passages: Sequence[Passage],
        documents: dict[str, DocumentMeta],
        sparse: SparseIndex,
        dense: DenseIndex,
        encoder: Encoder,
        tokenizer: ChineseTokenizer,
        candidates: int = 30,
        rrf_k: int = 60,
        dense_weight: float = 1.0,
        sentences: SentenceIndex | None = None,
        query_cache_size: int = 256,
    ) -> None:
        self.passages = list(passages)
        self.documents = documents
        self.sparse, self.dense = sparse, dense
        self.encoder, self.tokenizer = encoder, tokenizer
        self.candidates, self.rrf_k = candidates, rrf_k
        self.dense_weight = dense_weight
        self.sentences = sentences
        self._positions = {p.passage_id: i for i, p in enumerate(self.passages)}
        self._cached_query_vector = lru_cache(maxsize=query_cache_size)(self._encode_query)

    def _encode_query(self, query: str) -> np.ndarray:
        vector = np.asarray(self.encoder.encode_queries([query])[0], dtype="float32")
        vector.flags.writeable = False  # shared by every caller of the cache
        return vector

    def query_vector(self, query: str) -> np.ndarray:
        """The query's normalised vector; the last 256 queries are cached (read-only arrays)."""
        return self._cached_query_vector(query)

    def clear_query_cache(self) -> None:
        """Forget cached query vectors (benchmarks time fresh questions)."""
        self._cached_query_vector.cache_clear()

    def passage_index(self, passage_id: str) -> int:
        """Position of the passage in `self.passages` (KeyError when it is not indexed)."""
        return self._positions[passage_id]

    def sentences_of(self, passage_index: int) -> tuple[list[str], np.ndarray]:
        """The passage's sentences and their normalised vectors (one row each), computed at index time."""
        if self.sentences is None:
            raise RuntimeError("this retriever was built without sentence vectors")
        return self.sentences.of(passage_index)

    def _mask(self, filters: SearchFilter | None) -> np.ndarray:
        if filters is None:
            return np.ones(len(self.passages), dtype=bool)
        return np.array([filters.accepts(p, self.documents[p.doc_id]) for p in self.passages], dtype=bool)

    @cached_property
    def abbreviations(self) -> AbbreviationIndex:
        return AbbreviationIndex(self.sparse.document_frequencies())

    def query_tokens(self, query: str) -> list[str]:
        """The query's search tokens, its synonyms' and the corpus words its abbreviations stand for."""
        return self.abbreviations.expand(self.tokenizer.expand_query(query))

    def search(
        self,
        query: str,
        k: int = 5,
        method: Method = "hybrid",
        filters: SearchFilter | None = None,
        query_vector: np.ndarray | None = None,
    ) -> list[Hit]:
        """Best k passages; pass `query_vector` (from `query_vector(query)`) to skip encoding."""
        mask = self._mask(filters)
        bm25 = self.sparse.scores(self.query_tokens(query))
        vector = self.query_vector(query) if query_vector is None else query_vector
        dense = self.dense.scores(vector)
        if method == "bm25":
            ranked = [(i, float(bm25[i])) for i in top_ids(bm25, mask, k, positive_only=True)]
        elif method == "dense":
            ranked = [(i, float(dense[i])) for i in top_ids(dense, mask, k)]
        else:
            rankings = [
                top_ids(bm25, mask, self.candidates, positive_only=True),
                top_ids(dense, mask, self.candidates),
            ]
            ranked = reciprocal_rank_fusion(rankings, k=self.rrf_k, weights=(1.0, self.dense_weight))[:k]
        return [
            Hit(
                passage=self.passages[i],
                document=self.documents[self.passages[i].doc_id],
                score=score,
                bm25=float(bm25[i]),
                dense=float(dense[i]),
                index=i,
            )
            for i, score in ranked
        ]
