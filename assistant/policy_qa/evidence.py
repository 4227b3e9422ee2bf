"""Evidence selection: score the sentences of the retrieved passages against the question.

Sentence vectors come from the index (computed once at build time), so a question costs one query
encoding, not one per candidate sentence.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from indexes import Hit, HybridRetriever, SearchFilter
from indexes.tokenizer import ChineseTokenizer

_HEADING = re.compile(r"^\s*([（(]?[一二三四五六七八九十\d]+[)）.、．]\s*)")
MIN_SENTENCE_CHARS = 8
LEXICAL_WEIGHT = 0.35
RANK_WEIGHT = 0.02


@dataclass(frozen=True, slots=True)
class Evidence:
    text: str  # one sentence of the passage
    hit: Hit
    rank: int  # rank of the passage in retrieval
    score: float
    dense: float
    lexical: float
    vector: np.ndarray | None = None  # the sentence's stored embedding


def idf_table(tokenizer: ChineseTokenizer, texts: list[str]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for text in texts:
        for token in set(tokenizer.tokenize(text)):
            counts[token] = counts.get(token, 0) + 1
    n = len(texts)
    return {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in counts.items()}


def lexical_overlap(question_tokens: list[str], sentence: str, idf: dict[str, float]) -> float:
    """IDF-weighted share of the question's tokens that occur in the sentence."""
    if not question_tokens:
        return 0.0
    weights = {t: idf.get(t, 1.0) for t in set(question_tokens)}
    found = sum(w for t, w in weights.items() if t in sentence)
    return found / sum(weights.values())


def usable(sentence: str) -> bool:
    """Not a bare numbered heading (`8. 探索建立信用修复机制。`) and not a fragment."""
    body = _HEADING.sub("", sentence)
    return len(body) >= MIN_SENTENCE_CHARS and not (sentence != body and len(body) <= 24)


@dataclass
class EvidenceFinder:
    retriever: HybridRetriever
    idf: dict[str, float]
    top_k: int = 5

    @property
    def tokenizer(self) -> ChineseTokenizer:
        return self.retriever.tokenizer

    def scope(self, locality: str | None) -> SearchFilter | None:
        """The documents a named place means. A province named when the corpus holds that province's own
        plan (its title names 河南省) means that plan, not every document of a city inside the province."""
        if not locality:
            return None
        key = locality.rstrip("省市县区")
        documents = self.retriever.documents.values()
        provincial = tuple(d.doc_id for d in documents if f"{key}省" in d.title)
        return SearchFilter(doc_ids=provincial) if provincial else SearchFilter(locality=locality)

    def search(self, question: str, locality: str | None = None, k: int | None = None) -> list[Hit]:
        vector = self.retriever.query_vector(question)
        limit = k or self.top_k
        filters = self.scope(locality)
        hits = self.retriever.search(question, limit, filters=filters, query_vector=vector)
        return hits or self.retriever.search(question, limit, query_vector=vector)

    def evidence(self, question: str, hits: list[Hit]) -> list[Evidence]:
        """Every usable sentence of the hits, best first."""
        query = self.retriever.query_vector(question)
        tokens = self.tokenizer.expand_query(question)
        seen: set[str] = set()
        found = []
        for rank, hit in enumerate(hits):
            texts, vectors = self.retriever.sentences_of(self.retriever.passage_index(hit.passage.passage_id))
            similarities = np.asarray(vectors) @ query if len(texts) else np.zeros(0)
            for text, similarity, vector in zip(texts, similarities, vectors, strict=True):
                if text in seen or not usable(text):
                    continue
                seen.add(text)
                lexical = lexical_overlap(tokens, text, self.idf)
                score = float(similarity) + LEXICAL_WEIGHT * lexical + RANK_WEIGHT / (1 + rank)
                found.append(Evidence(text, hit, rank, score, float(similarity), lexical, vector))
        return sorted(found, key=lambda e: -e.score)

    def gather(self, question: str, locality: str | None = None) -> tuple[list[Hit], list[Evidence]]:
        hits = self.search(question, locality)
        return hits, self.evidence(question, hits)
