"""Corpus layer: load policy documents, repair extraction artefacts, parse structure into passages."""

from corpus.loaders import LoaderError, load_document
from corpus.models import (
    Clause,
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
from corpus.store import CorpusStore

__all__ = [
    "Clause",
    "CorpusStore",
    "DocumentMeta",
    "IngestReport",
    "LoaderError",
    "Locality",
    "Paragraph",
    "ParsedDocument",
    "Passage",
    "SectionNode",
    "TableRow",
    "Units",
    "bundled_corpus_dir",
    "clean_span",
    "fold",
    "ingest",
    "ingested_roots",
    "load_document",
    "parse_document",
    "section_tree",
]
