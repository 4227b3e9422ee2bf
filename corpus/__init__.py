"""Corpus layer: load policy documents, repair extraction artefacts, parse structure into passages.

Laws and regulations parse by article: an article passage (`Passage.kind == "article"`) has the section
path a lawyer cites (`("第五章 信用主体权益保护", "第四十三条")`, or `"第二十一条第二款"` when a very long
article is split at its 款) and holds its 款 and enumerated items; `enumerated_items(passage.text)` lists
the items. `DocumentMeta` carries `level`, `kind`, `issuer`, `doc_number` (文号 or 令号), `date`,
`dates` (`DatedEvent`s: 通过/批准/公布/施行… with body and line), `effective_date`, `validity`, `cites`.
"""

from corpus.articles import enumerated_items
from corpus.loaders import LoaderError, load_document
from corpus.models import (
    Clause,
    DatedEvent,
    DocumentMeta,
    Locality,
    Paragraph,
    ParsedDocument,
    Passage,
    SectionNode,
    TableRow,
    Units,
)
from corpus.normalize import clean_span, fold
from corpus.parse import parse_document
from corpus.pipeline import IngestReport, bundled_corpus_dir, ingest, ingested_roots
from corpus.sections import section_tree
from corpus.store import CorpusStore, StoredDocument

__all__ = [
    "Clause",
    "CorpusStore",
    "DatedEvent",
    "DocumentMeta",
    "IngestReport",
    "LoaderError",
    "Locality",
    "Paragraph",
    "ParsedDocument",
    "Passage",
    "SectionNode",
    "StoredDocument",
    "TableRow",
    "Units",
    "bundled_corpus_dir",
    "clean_span",
    "enumerated_items",
    "fold",
    "ingest",
    "ingested_roots",
    "load_document",
    "parse_document",
    "section_tree",
]
