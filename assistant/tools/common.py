"""What the tools share: their result type and picking the subject's own locality documents."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.citations import CitationList
from assistant.models import RecordRef
from corpus import DocumentMeta
from indexes import locality_match

# A line that belongs to the list before it: a list item, or an indented line inside one.
_LIST_LINE = re.compile(r"^(?:\s+\S|[-*+] |\d+[.)] )")


def markdown_blocks(lines: Iterable[str]) -> str:
    """Lines as Markdown: list items stay one list; any other line is a block of its own, so a group heading
    (**失信联合惩戒措施**) never runs into the line or list item before it."""
    text = ""
    for line in lines:
        if not line.strip():
            continue
        separator = "\n" if _LIST_LINE.match(line) else "\n\n"
        text = text + separator + line if text else line
    return text


@dataclass(slots=True)
class ToolResult:
    lines: list[str]
    citations: CitationList
    records: list[RecordRef] = field(default_factory=list)
    data: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return markdown_blocks(self.lines)


# Documents of the place itself (or of places inside it) first, then its city's, its province's, national ones.
_RANK = {"exact": 0, "within": 0, "above": 1, "national": 3}


def documents_by_locality(locality: str | None, documents: dict[str, DocumentMeta]) -> list[str]:
    """Document ids, the ones of `locality` first (its own, then its city's, then its province's, then national
    documents, then the rest)."""

    def rank(doc: DocumentMeta) -> int:
        match = locality_match(locality, doc) if locality else None
        if match is None:
            return 4
        return 2 if match == "above" and doc.locality.city is None else _RANK[match]

    return sorted(documents, key=lambda doc_id: (rank(documents[doc_id]), doc_id))


def money(amount: float | None) -> str:
    if amount is None:
        return ""
    return f"{amount / 10000:.2f}万元" if amount >= 10000 else f"{amount:.0f}元"
