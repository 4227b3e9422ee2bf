"""Search results and filters."""

from __future__ import annotations

from dataclasses import dataclass

from corpus.models import DocumentMeta, Passage


@dataclass(frozen=True, slots=True)
class Hit:
    passage: Passage
    document: DocumentMeta
    score: float  # the ranking score of the method used (RRF for hybrid)
    bm25: float = 0.0
    dense: float = 0.0  # cosine similarity of query and passage
    index: int = -1  # position of the passage in HybridRetriever.passages


@dataclass(frozen=True, slots=True)
class SearchFilter:
    locality: str | None = None  # e.g. 濮阳 / 河南省 / 新北区
    doc_ids: tuple[str, ...] = ()
    section_prefix: str | None = None  # e.g. 三、责任分工

    def accepts(self, passage: Passage, document: DocumentMeta) -> bool:
        if not self.accepts_document(document):
            return False
        return not (self.section_prefix and not passage.section_label.startswith(self.section_prefix))

    def accepts_document(self, document: DocumentMeta) -> bool:
        """The document-level part of the filter: its ids and its place."""
        if self.doc_ids and document.doc_id not in self.doc_ids:
            return False
        return not (self.locality and not locality_matches(self.locality, document))


def locality_matches(locality: str, document: DocumentMeta) -> bool:
    key = locality.strip().rstrip("省市县区")
    return bool(key) and any(key in name for name in (*document.locality.names(), document.issuer))
