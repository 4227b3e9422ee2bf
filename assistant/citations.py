"""Build citations from passages and find the passage that holds a quote."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.models import Citation
from corpus import DocumentMeta, Passage, fold


def make_citation(
    number: int, passage: Passage, document: DocumentMeta, quote: str | None = None
) -> Citation:
    return Citation(
        number=number,
        doc_id=passage.doc_id,
        title=document.title,
        doc_number=document.doc_number,
        issuer=document.issuer,
        locality=document.locality.label,
        section_path=passage.section_label,
        passage_id=passage.passage_id,
        passage=passage.text,
        quote=quote if quote is not None else passage.text,
        start=passage.start,
        end=passage.end,
    )


def exact_quote(passage: Passage, quote: str) -> str:
    """The passage's own characters for a quote matched after folding (so it is a true substring)."""
    if quote in passage.text:
        return quote
    key = fold(quote)
    folded_chars = [(fold(ch), index) for index, ch in enumerate(passage.text)]
    joined = "".join(f for f, _ in folded_chars)
    at = joined.find(key)
    if at < 0:
        return passage.text
    positions = [index for f, index in folded_chars for _ in f]
    return passage.text[positions[at] : positions[at + len(key) - 1] + 1]


def find_passage(passages: Iterable[Passage], doc_id: str, quote: str) -> Passage | None:
    """The first passage of `doc_id` whose folded text contains the folded quote."""
    key = fold(quote)
    return next((p for p in passages if p.doc_id == doc_id and key in fold(p.text)), None)


class CitationList:
    """Numbers citations in order of first use; the same passage keeps its number."""

    def __init__(self, documents: dict[str, DocumentMeta]) -> None:
        self.documents = documents
        self.items: list[Citation] = []

    def cite(self, passage: Passage, quote: str | None = None) -> int:
        for item in self.items:
            if item.passage_id == passage.passage_id:
                return item.number
        number = len(self.items) + 1
        text = exact_quote(passage, quote) if quote else passage.text
        self.items.append(make_citation(number, passage, self.documents[passage.doc_id], text))
        return number
