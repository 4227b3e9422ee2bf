"""Cut clauses into passages: clause-aligned, long clauses split at sentence ends with overlap."""

from __future__ import annotations

import re

from corpus.models import Clause, Passage, TableRow
from corpus.normalize import clean_span

_SENTENCE_END = re.compile(r"(?<=[。！？；;!?])")


def split_sentences(text: str) -> list[str]:
    parts = [s for s in _SENTENCE_END.split(text) if s]
    return parts or [text]


def window_sentences(lengths: list[int], max_chars: int, overlap: int) -> list[tuple[int, int]]:
    """Greedy windows [i, j) of whole sentences up to `max_chars`, `overlap` sentences repeated."""
    windows: list[tuple[int, int]] = []
    first = 0
    while first < len(lengths):
        last, size = first, 0
        while last < len(lengths) and (last == first or size + lengths[last] <= max_chars):
            size += lengths[last]
            last += 1
        windows.append((first, last))
        if last >= len(lengths):
            break
        first = max(first + 1, last - overlap)
    return windows


def locate(raw: str, text: str, start: int, end: int) -> tuple[int, int]:
    """Span in raw[start:end] covering `text`, whose characters occur there in order."""
    pos, first, last = start, -1, start
    for ch in text:
        if ch.isspace():
            continue
        found = raw.find(ch, pos, end)
        if found < 0:
            raise ValueError(f"passage text not found in its source span: {text[:30]!r}")
        first = found if first < 0 else first
        last, pos = found, found + 1
    return first, last + 1


def _sentence_spans(raw: str, clause: Clause) -> list[tuple[str, int, int]]:
    spans, cursor = [], clause.paragraph.start
    for sentence in split_sentences(clause.paragraph.text):
        if not sentence.strip():
            continue
        start, end = locate(raw, sentence, cursor, clause.paragraph.end)
        spans.append((sentence, start, end))
        cursor = end
    return spans


def clause_passages(
    doc_id: str, raw: str, clauses: list[Clause], max_chars: int = 320, overlap: int = 1
) -> list[Passage]:
    passages: list[Passage] = []
    for clause in clauses:
        if clause.is_heading:
            continue
        sentences = _sentence_spans(raw, clause)
        for first, last in window_sentences([len(s[0]) for s in sentences], max_chars, overlap):
            window = sentences[first:last]
            passages.append(
                Passage(
                    passage_id=f"{doc_id}#{len(passages):04d}",
                    doc_id=doc_id,
                    section_path=clause.section_path,
                    text=clean_span(raw[window[0][1] : window[-1][2]], in_paragraph=True),
                    start=window[0][1],
                    end=window[-1][2],
                    lead_units=clause.units.lead_units,
                    responsible_units=clause.units.responsible_units,
                )
            )
    return passages


def table_passages(doc_id: str, rows: list[TableRow], table_label: str) -> list[Passage]:
    return [
        Passage(
            passage_id=f"{doc_id}#T{row.row_number:03d}",
            doc_id=doc_id,
            section_path=(table_label, row.task_area, row.main_task),
            text=row.content,
            start=row.start,
            end=row.end,
            kind="table_row",
            lead_units=row.units.lead_units,
            responsible_units=row.units.responsible_units,
        )
        for row in rows
    ]
