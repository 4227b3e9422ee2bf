"""Search results and filters."""

from __future__ import annotations

from dataclasses import dataclass

from corpus.jurisdiction import MatchKind, best_relation
from corpus.models import DocumentMeta, Locality, Passage
from corpus.places import readings_of


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
    # A place (濮阳 / 河南省 / 新北区): its own documents, those of places inside it, those of the divisions
    # above it (山东省's regulation for 济南) and national ones (no locality) — see `locality_match`.
    locality: str | None = None
    doc_ids: tuple[str, ...] = ()
    section_prefix: str | None = None  # e.g. 三、责任分工
    prior: tuple[Locality, ...] = ()  # the corpus's localities, to read an ambiguous place name (朝阳)

    def accepts(self, passage: Passage, document: DocumentMeta) -> bool:
        if not self.accepts_document(document):
            return False
        return not (self.section_prefix and not passage.section_label.startswith(self.section_prefix))

    def accepts_document(self, document: DocumentMeta) -> bool:
        """The document-level part of the filter: its ids and its place."""
        if self.doc_ids and document.doc_id not in self.doc_ids:
            return False
        return not (self.locality and not locality_matches(self.locality, document, self.prior))


def locality_match(
    locality: str, document: DocumentMeta, prior: tuple[Locality, ...] = ()
) -> MatchKind | None:
    """How `document` answers for the place named `locality`: "exact" (its own place), "within" (a place inside
    the one named), "above" (a province's or city's document for a place in it: answers label it with
    `corpus.places.scope_note`, e.g. 「（山东省条例，适用于全省）」), "national" (no locality: applies everywhere),
    or None. The name is read with the national table (`prior`: the corpus's localities, for 朝阳); a name the
    table does not know matches the document's place names and issuer by substring, as written."""
    readings = readings_of(locality, prior)
    if readings:
        return best_relation(readings, document.locality)
    key = locality.strip().rstrip("省市县区")
    return (
        "exact"
        if key and any(key in name for name in (*document.locality.names(), document.issuer))
        else None
    )


def locality_matches(locality: str, document: DocumentMeta, prior: tuple[Locality, ...] = ()) -> bool:
    return locality_match(locality, document, prior) is not None
