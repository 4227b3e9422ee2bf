"""Parse one document's raw text into metadata, clauses, table rows and passages (pure)."""

from __future__ import annotations

import hashlib

from corpus.chunking import clause_passages, table_passages
from corpus.metadata import (
    attachment_kinds,
    cited_doc_numbers,
    doc_number_year,
    find_date,
    find_issuer,
    find_kind,
    find_locality,
    find_recipients,
    find_title,
    standalone_doc_numbers,
)
from corpus.models import DocumentMeta, ParsedDocument
from corpus.paragraphs import split_paragraphs
from corpus.sections import assign_sections
from corpus.tables import find_table_region, parse_task_table


def parse_document(
    doc_id: str, raw: str, source_path: str = "", max_chars: int = 320, overlap: int = 1
) -> ParsedDocument:
    """Everything the downstream layers need from one document's raw text."""
    paragraphs = split_paragraphs(raw)
    issuer = find_issuer(paragraphs)
    title = find_title(paragraphs)
    own_numbers = standalone_doc_numbers(paragraphs)
    meta = DocumentMeta(
        doc_id=doc_id,
        title=title,
        issuer=issuer,
        doc_numbers=own_numbers,
        cited_doc_numbers=cited_doc_numbers(raw, own_numbers),
        date=find_date(paragraphs),
        locality=find_locality(issuer or title),
        kind=find_kind(title),
        attachment_kinds=attachment_kinds(paragraphs),
        year=doc_number_year(own_numbers),
        recipients=find_recipients(paragraphs),
        source_path=source_path,
        sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
    )
    region = find_table_region(raw)
    body = [p for p in paragraphs if not region or p.end <= region[0] or p.start >= region[1]]
    clauses = assign_sections(body, raw)
    headings = [label for c in clauses for label in c.section_path]
    table = parse_task_table(raw, list(dict.fromkeys(headings)), region)
    passages = clause_passages(doc_id, raw, clauses, max_chars, overlap)
    if table.rows and table.region:
        before = [c for c in clauses if c.paragraph.end <= table.region[0] and c.section_path]
        label = before[-1].section_path[0] if before else "附件"
        passages += table_passages(doc_id, table.rows, label)
    return ParsedDocument(meta, raw, tuple(clauses), tuple(table.rows), tuple(passages))
