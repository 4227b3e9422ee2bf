"""Parse one document's raw text into metadata, clauses, table rows and passages (pure)."""

from __future__ import annotations

import hashlib

from corpus.chunking import clause_passages, table_passages
from corpus.head import (
    cited_basis,
    effective_events,
    effective_on_event,
    head_events,
    issuing_body,
    order_numbers,
    primary_date,
    validity,
)
from corpus.metadata import (
    attachment_kinds,
    cited_doc_numbers,
    doc_number_year,
    find_date,
    find_issuer,
    find_kind,
    find_level,
    find_locality,
    find_recipients,
    find_title,
    standalone_doc_numbers,
)
from corpus.models import Clause, DatedEvent, DocumentMeta, Locality, Paragraph, ParsedDocument
from corpus.normalize import strip_markup
from corpus.paragraphs import split_paragraphs
from corpus.sections import assign_sections
from corpus.tables import find_table_region, parse_task_table

NATIONAL_LEVELS = ("法律", "行政法规", "部门规章", "司法解释")
_HEAD_PARAGRAPHS = 12


def head_lines(raw: str, paragraphs: list[Paragraph], clauses: list[Clause]) -> list[str]:
    """Raw lines under the title that may state dated events: the 题注, or the head of a notice."""
    first_article = next((c.paragraph.start for c in clauses if c.role in ("article", "division")), None)
    head = [p for p in paragraphs[1:_HEAD_PARAGRAPHS] if first_article is None or p.end <= first_article]
    return [strip_markup(line) for p in head for line in raw[p.start : p.end].split("\n") if line.strip()]


def signature_event(paragraphs: list[Paragraph], issuer: str) -> list[DatedEvent]:
    """A notice's date under its signature (成文, or 印发 when the line says so)."""
    for paragraph in paragraphs:
        line = paragraph.text.strip()
        date = find_date([paragraph])
        if date is not None:
            return [DatedEvent("印发" if line.endswith("印发") else "成文", date, issuer, line)]
    return []


def describe(
    doc_id: str, raw: str, paragraphs: list[Paragraph], clauses: list[Clause], source_path: str = ""
) -> DocumentMeta:
    """The document's metadata, from its head and body."""
    lines = head_lines(raw, paragraphs, clauses)
    events = [event for line in lines for event in head_events(line)]
    if not any(event.kind == "施行" for event in events):
        # Its own 施行 clause comes last; earlier ones cite other documents.
        events += effective_events(raw)[-1:]
    title = find_title(paragraphs)
    issuer = find_issuer(paragraphs) or issuing_body(tuple(events))
    own_numbers = standalone_doc_numbers(paragraphs) + order_numbers(lines)
    if not any(e.kind in ("通过", "公布", "发布") for e in events):
        events = signature_event(paragraphs, issuer) + events
    if not any(e.kind == "施行" for e in events):
        events += effective_on_event(raw, events)
    kind = find_kind(title)
    level = find_level(kind, issuer, own_numbers, adopted=any(e.kind == "通过" for e in events))
    adopting = " ".join(e.body for e in events if e.body)
    date = primary_date(tuple(events)) or find_date(paragraphs)
    return DocumentMeta(
        doc_id=doc_id,
        title=title,
        issuer=issuer,
        doc_numbers=own_numbers,
        cited_doc_numbers=cited_doc_numbers(raw, own_numbers),
        date=date,
        locality=Locality() if level in NATIONAL_LEVELS else find_locality(f"{issuer}{title}{adopting}"),
        kind=kind,
        attachment_kinds=attachment_kinds(paragraphs),
        year=doc_number_year(own_numbers) or (int(date[:4]) if date else None),
        recipients=find_recipients(paragraphs),
        source_path=source_path,
        sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
        level=level,
        dates=tuple(events),
        validity=validity(raw),
        cites=cited_basis(raw, title),
    )


def parse_document(
    doc_id: str, raw: str, source_path: str = "", max_chars: int = 320, overlap: int = 1
) -> ParsedDocument:
    """Everything the downstream layers need from one document's raw text."""
    paragraphs = split_paragraphs(raw)
    region = find_table_region(raw)
    body = [p for p in paragraphs if not region or p.end <= region[0] or p.start >= region[1]]
    clauses = assign_sections(body, raw)
    meta = describe(doc_id, raw, paragraphs, clauses, source_path)
    headings = [label for c in clauses for label in c.section_path]
    table = parse_task_table(raw, list(dict.fromkeys(headings)), region)
    passages = clause_passages(doc_id, raw, clauses, max_chars, overlap)
    if table.rows and table.region:
        before = [c for c in clauses if c.paragraph.end <= table.region[0] and c.section_path]
        label = before[-1].section_path[0] if before else "附件"
        passages += table_passages(doc_id, table.rows, label)
    return ParsedDocument(meta, raw, tuple(clauses), tuple(table.rows), tuple(passages))
