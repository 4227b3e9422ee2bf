"""Cut clauses into passages.

A document numbered 一、/（一） gives one passage per clause, long clauses split at sentence ends with overlap.
A law or regulation gives one passage per article, its 款 and 项 included; a very long article is split at
款 boundaries only (cited `第二十一条第二款`), so an enumeration always stays with its lead-in.
"""

from __future__ import annotations

import re

from corpus.models import Clause, Passage, TableRow
from corpus.normalize import clean_span
from corpus.patterns import int_to_cn

ARTICLE_MAX_CHARS = 600  # longer articles are split at 款 boundaries
_WHOLE_ROLES = ("article", "paragraph", "item", "preamble")  # clauses kept together by their section path

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


def _clause_windows(
    doc_id: str, raw: str, clause: Clause, first_index: int, max_chars: int, overlap: int
) -> list[Passage]:
    passages: list[Passage] = []
    sentences = _sentence_spans(raw, clause)
    for first, last in window_sentences([len(s[0]) for s in sentences], max_chars, overlap):
        window = sentences[first:last]
        passages.append(
            Passage(
                passage_id=f"{doc_id}#{first_index + len(passages):04d}",
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


def group_clauses(clauses: list[Clause]) -> list[list[Clause]]:
    """Runs of clauses that form one unit (an article, the 题注); any other clause stands alone."""
    groups: list[list[Clause]] = []
    for clause in clauses:
        if clause.is_heading:
            continue
        previous = groups[-1][-1] if groups else None
        same_unit = (
            previous is not None
            and clause.role in _WHOLE_ROLES
            and previous.role in _WHOLE_ROLES
            and clause.role != "article"
            and previous.section_path == clause.section_path
        )
        if same_unit:
            groups[-1].append(clause)
        else:
            groups.append([clause])
    return groups


def kuan_of(group: list[Clause]) -> list[list[Clause]]:
    """The 款 of an article: each paragraph that is not an item, with the items that follow it."""
    kuan: list[list[Clause]] = []
    for clause in group:
        if clause.role == "item" and kuan:
            kuan[-1].append(clause)
        else:
            kuan.append([clause])
    return kuan


def article_spans(group: list[Clause], max_chars: int) -> list[tuple[tuple[str, ...], int, int]]:
    """(section path, start, end) of the passages of one article: whole, or runs of whole 款."""
    path = group[0].section_path
    kuan = kuan_of(group)
    sizes = [sum(len(c.paragraph.text) for c in k) for k in kuan]
    if sum(sizes) <= max_chars or group[0].role == "preamble" or len(kuan) == 1:
        return [(path, group[0].paragraph.start, group[-1].paragraph.end)]
    spans = []
    for first, last in window_sentences(sizes, max_chars, overlap=0):
        label = f"{path[-1]}第{int_to_cn(first + 1)}款"
        if last - first > 1:
            label += f"至第{int_to_cn(last)}款"
        spans.append(((*path[:-1], label), kuan[first][0].paragraph.start, kuan[last - 1][-1].paragraph.end))
    return spans


def clause_passages(
    doc_id: str,
    raw: str,
    clauses: list[Clause],
    max_chars: int = 320,
    overlap: int = 1,
    article_max_chars: int = ARTICLE_MAX_CHARS,
) -> list[Passage]:
    passages: list[Passage] = []
    for group in group_clauses(clauses):
        if group[0].role not in _WHOLE_ROLES:
            passages += _clause_windows(doc_id, raw, group[0], len(passages), max_chars, overlap)
            continue
        kind = "preamble" if group[0].role == "preamble" else "article"
        for path, start, end in article_spans(group, article_max_chars):
            text = clean_span(raw[start:end], in_paragraph=kind == "article")
            passages.append(
                Passage(f"{doc_id}#{len(passages):04d}", doc_id, path, text, start, end, kind=kind)
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
