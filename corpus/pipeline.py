"""Ingest a folder (or files) of documents into a CorpusStore, skipping bad files by name."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from tqdm import tqdm

from corpus.loaders import SUPPORTED_SUFFIXES, LoaderError, load_document
from corpus.models import ParsedDocument
from corpus.parse import parse_document
from corpus.store import PARSER_VERSION, CorpusStore, StoredDocument


@dataclass(slots=True)
class IngestReport:
    documents: int = 0
    passages: int = 0
    table_rows: int = 0
    units: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unchanged: bool = False
    parsed: int = 0  # documents parsed this time; the others were taken over unchanged from the store


def bundled_corpus_dir() -> Path:
    """The five policy documents shipped with the package."""
    return Path(str(resources.files("corpus").joinpath("data/documents")))


def ingested_roots(store: CorpusStore) -> list[Path]:
    """The folders/files the store was last ingested from, when they all still exist."""
    roots = [Path(p) for p in store.read_manifest().get("roots", [])]
    return roots if roots and all(p.exists() for p in roots) else []


def discover(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            found.append(path)
    return found


def doc_id_for(path: Path) -> str:
    return re.sub(r"[^\w\-]+", "-", path.stem).strip("-") or "document"


def source_hashes(files: list[Path]) -> dict[str, str]:
    return {str(p.resolve()): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _count(report: IngestReport, entries: list[StoredDocument]) -> IngestReport:
    report.documents = len(entries)
    report.passages = sum(e.passages for e in entries)
    report.table_rows = sum(e.table_rows for e in entries)
    report.units = len({u for e in entries for u in e.units})
    return report


def unchanged_documents(store: CorpusStore, hashes: dict[str, str]) -> dict[str, StoredDocument]:
    """The store's entries of source files that are byte-for-byte the same now, by source path.

    Nothing but the manifest is read: an unchanged document keeps its shards as they are.
    """
    previous = store.read_manifest()
    if previous.get("parser_version") != PARSER_VERSION:
        return {}
    sources = previous.get("sources", {})
    kept = {}
    for entry in store.entries():
        meta = entry.meta
        key = str(Path(meta.source_path).resolve()) if meta.source_path else ""
        if key and sources.get(key) is not None and sources.get(key) == hashes.get(key):
            kept[meta.source_path] = entry
    return kept


def ingest(paths: list[Path], store: CorpusStore, force: bool = False, progress: bool = True) -> IngestReport:
    """Parse every supported file under `paths` into `store`; a no-op when nothing changed.

    Files whose bytes did not change since the last ingest are taken over from the store, not parsed again
    (unless `force`), so adding, changing or removing one document parses that document only, and the store
    writes that document's shards and its manifest only (corpus/store.py).
    """
    files = discover(paths)
    hashes = source_hashes([f for f in files if f.is_file()])
    manifest = {
        "parser_version": PARSER_VERSION,
        "roots": [str(p.resolve()) for p in paths],
        "sources": hashes,
    }
    report = IngestReport()
    if not force and store.read_manifest() == manifest:
        report.unchanged = True
        return _count(report, store.entries())
    previous = {} if force else unchanged_documents(store, hashes)
    parsed: list[ParsedDocument | StoredDocument] = []
    seen_ids: set[str] = set()
    for path in tqdm(files, desc="解析文档", unit="份", disable=not progress):
        doc_id = doc_id_for(path)
        while doc_id in seen_ids:
            doc_id += "-2"
        kept = previous.get(str(path))
        if kept is not None and kept.meta.doc_id == doc_id:
            parsed.append(kept)
            seen_ids.add(doc_id)
            continue
        try:
            text = load_document(path)
            parsed.append(parse_document(doc_id, text, source_path=str(path)))
            seen_ids.add(doc_id)
            report.parsed += 1
        except (LoaderError, OSError, ValueError) as exc:
            report.skipped.append((str(path), str(exc)))
    return _count(report, store.write_documents(parsed, manifest))
