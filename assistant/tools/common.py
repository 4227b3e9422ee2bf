"""What the tools share: their result type and picking the subject's own locality documents."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.citations import CitationList
from assistant.models import RecordRef
from corpus import DocumentMeta


@dataclass(slots=True)
class ToolResult:
    lines: list[str]
    citations: CitationList
    records: list[RecordRef] = field(default_factory=list)
    data: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def documents_by_locality(locality: str | None, documents: dict[str, DocumentMeta]) -> list[str]:
    """Document ids, the ones of `locality` first (county, then city, then province match)."""

    def named(name: str | None) -> bool:
        if not name or not locality:
            return False
        return name in locality or name.rstrip("省市县区") in locality

    def rank(doc: DocumentMeta) -> int:
        names = doc.locality
        if named(names.county) or (named(names.city) and not names.county):
            return 0
        if named(names.city):
            return 1
        if named(names.province):
            return 2
        return 3

    return sorted(documents, key=lambda doc_id: (rank(documents[doc_id]), doc_id))


def money(amount: float | None) -> str:
    if amount is None:
        return ""
    return f"{amount / 10000:.2f}万元" if amount >= 10000 else f"{amount:.0f}元"
