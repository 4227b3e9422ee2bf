"""Evidence selection: score the sentences of the retrieved passages against the question.

Sentence vectors come from the index (computed once at build time), so a question costs one query
encoding, not one per candidate sentence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from corpus import DocumentMeta, Passage
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
    """IDF of every token of `texts` (tokenizes them all: for an indexed corpus use `index_idf`)."""
    counts: dict[str, int] = {}
    for text in texts:
        for token in set(tokenizer.tokenize(text)):
            counts[token] = counts.get(token, 0) + 1
    return idf_from_frequencies(counts, len(texts))


def idf_from_frequencies(frequencies: Mapping[str, int], n: int) -> dict[str, float]:
    return {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in frequencies.items()}


def index_idf(retriever: HybridRetriever) -> dict[str, float]:
    """The same table as `idf_table` over the retriever's passage texts, read off its BM25 index: loading
    a version (a worker's start, an index swap) re-tokenizes nothing."""
    return idf_from_frequencies(retriever.sparse.document_frequencies(), retriever.sparse.size)


def lexical_overlap(question_tokens: list[str], sentence: str, idf: dict[str, float]) -> float:
    """IDF-weighted share of the question's tokens that occur in the sentence."""
    if not question_tokens:
        return 0.0
    weights = {t: idf.get(t, 1.0) for t in set(question_tokens)}
    found = sum(w for t, w in weights.items() if t in sentence)
    return found / sum(weights.values())


# "除了X，" anywhere, or "除X以外/之外/外，" opening a clause (not 删除/免除: a word ending in 除)
_CONTRAST = re.compile(r"除了[^，,。；;？?]{1,24}[，,]|(?:^|(?<=[，,。；;？?]))除[^，,。；;？?]{1,24}?(?:以外|之外|外)[，,]")


def without_contrast(question: str) -> str:
    """The question without a phrase it sets aside ("除了工商部门，其他政府部门…" → "其他政府部门…")."""
    return _CONTRAST.sub("", question)


def clause_heading(passage: Passage) -> str:
    """The heading of the clause a passage is (the last step of its section path), "" for the preamble."""
    label = passage.section_label
    return "" if label.startswith("（文首）") else label.rsplit(">", 1)[-1].strip()


def usable(sentence: str) -> bool:
    """Not a bare numbered heading (`8. 探索建立信用修复机制。`) and not a fragment (a task-table row is
    neither, however short: the caller keeps its sentences). A numbered item that is a clause of its own
    (`（二）信息存在文字错误的，予以更正；`, `（三）股权出质登记信息；`) is content, not a heading: it holds a
    comma or ends as an enumerated item does."""
    body = _HEADING.sub("", sentence)
    if len(body) < MIN_SENTENCE_CHARS:
        return False
    heading_like = sentence != body and len(body) <= 24
    return not heading_like or is_item_clause(body)


def is_item_clause(body: str) -> bool:
    """Does a short numbered text read as an item of an enumeration rather than a heading?"""
    return any(mark in body for mark in "，,") or body.rstrip().endswith(("；", ";"))


def documents_at_level(level: str, documents: Iterable[DocumentMeta]) -> tuple[str, ...]:
    """Documents issued at an administrative level, from their metadata: a district's or a county's own
    documents, a city's, or a provincial plan (its title names its province)."""

    def at_level(doc: DocumentMeta) -> bool:
        place = doc.locality
        province_plan = place.province is not None and place.province in doc.title
        if level == "province":
            return province_plan
        if province_plan:
            return False
        if level == "city":
            return bool(place.city) and not place.county
        suffix = {"district": "区", "county": "县"}.get(level)
        return bool(suffix and place.county and place.county.endswith(suffix))

    return tuple(doc.doc_id for doc in documents if at_level(doc))


@dataclass
class EvidenceFinder:
    retriever: HybridRetriever
    idf: dict[str, float]
    top_k: int = 5

    @property
    def tokenizer(self) -> ChineseTokenizer:
        return self.retriever.tokenizer

    def scope(self, locality: str | None, level: str | None = None) -> SearchFilter | None:
        """The documents a named place means. A province named when the corpus holds that province's own
        plan (its title names 河南省) means that plan, not every document of a city inside the province.
        With no place named, a level ("区里", "省里") means the documents issued at that level."""
        if not locality:
            at_level = documents_at_level(level, self.retriever.documents.values()) if level else ()
            return SearchFilter(doc_ids=at_level) if at_level else None
        key = locality.rstrip("省市县区")
        documents = self.retriever.documents.values()
        provincial = tuple(d.doc_id for d in documents if f"{key}省" in d.title)
        return SearchFilter(doc_ids=provincial) if provincial else SearchFilter(locality=locality)

    def documents_meant(self, locality: str) -> frozenset[str]:
        """The ids of the documents a named place scopes a search to."""
        scope = self.scope(locality)
        documents = self.retriever.documents.values()
        return frozenset(doc.doc_id for doc in documents if scope is None or scope.accepts_document(doc))

    def search(
        self,
        question: str,
        locality: str | None = None,
        k: int | None = None,
        level: str | None = None,
        doc_ids: tuple[str, ...] = (),
    ) -> list[Hit]:
        """`doc_ids`, when given, overrides the place scope (a later part of a question keeps the first
        part's document)."""
        vector = self.retriever.query_vector(question)
        limit = k or self.top_k
        filters = SearchFilter(doc_ids=doc_ids) if doc_ids else self.scope(locality, level)
        hits = self.retriever.search(question, limit, filters=filters, query_vector=vector)
        return hits or self.retriever.search(question, limit, query_vector=vector)

    def evidence(self, question: str, hits: list[Hit], scoped_to: tuple[str, ...] = ()) -> list[Evidence]:
        """Every usable sentence of the hits, best first. `scoped_to`: the places the search was limited to;
        their names tell nothing about which sentence answers, so they do not count as shared words."""
        query = self.retriever.query_vector(question)
        topic = without_contrast(question)  # 除了工商部门，其他政府部门…: what is set aside is not asked about
        tokens = [t for t in self.retriever.query_tokens(topic) if not any(t in place for place in scoped_to)]
        seen: set[str] = set()
        found = []
        for rank, hit in enumerate(hits):
            # A sentence is read under its clause's heading and its document's title: an article of
            # 《…行政处罚信息公示规定》 speaks of 行政处罚信息公示 without repeating it.
            # Its issuer too: 国务院 in "那个国务院条例" names the document, not one of its articles.
            heading = hit.document.title + hit.document.issuer + clause_heading(hit.passage)
            texts, vectors = self.retriever.sentences_of(self.retriever.passage_index(hit.passage.passage_id))
            similarities = np.asarray(vectors) @ query if len(texts) else np.zeros(0)
            for text, similarity, vector in zip(texts, similarities, vectors, strict=True):
                if text in seen or not (usable(text) or hit.passage.kind == "table_row"):
                    continue
                seen.add(text)
                lexical = lexical_overlap(tokens, heading + text, self.idf)
                score = float(similarity) + LEXICAL_WEIGHT * lexical + RANK_WEIGHT / (1 + rank)
                found.append(Evidence(text, hit, rank, score, float(similarity), lexical, vector))
        return sorted(found, key=lambda e: -e.score)

    def gather(
        self,
        question: str,
        locality: str | None = None,
        level: str | None = None,
        doc_ids: tuple[str, ...] = (),
    ) -> tuple[list[Hit], list[Evidence]]:
        hits = self.search(question, locality, level=level, doc_ids=doc_ids)
        return hits, self.evidence(question, hits, scoped_to=(locality,) if locality else ())
