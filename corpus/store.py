"""Persist parsed documents one shard per document, with a manifest that lists them in order.

Layout (store format 2):

    manifest.json                the ingest's keys (parser version, roots, source hashes) and `documents`: one
                                 entry per document, in corpus order: its metadata, its two shard files, and its
                                 counts of passages, table rows and units
    shards/<doc_id>-<hash>.json  {"passages": [...], "table_rows": [...]} of one document
    shards/<doc_id>-<hash>.txt   its raw text

Shard files are named by a hash of their content and never rewritten, so an ingest that adds or changes one
document writes that document's two files and the manifest, not the whole store. A write puts new shards in
place first (temporary file + rename each), then the manifest (the same way), and only then deletes shards no
manifest names: a crash at any point leaves the previous manifest with all of its files, or the new one with
all of its files. Index versions hard-link the folder (runtime.publish_index), so deleting a shard here never
touches a snapshot.

Stores of the layout before (documents.jsonl, passages.jsonl, tables.jsonl, texts/<doc_id>.txt; a manifest
without `store_format`) are read as they are and converted on their next write.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from corpus.models import DocumentMeta, ParsedDocument, Passage, TableRow
from corpus.store_records import (
    meta_from_dict,
    passage_from_dict,
    read_jsonl,
    row_from_dict,
    write_atomic,
)

PARSER_VERSION = (
    "3"  # 2: documents carry their 主送单位; 3: regulations by article, level/dates/cites, formats
)
STORE_FORMAT = 2
SHARDS = "shards"
LEGACY_FILES = ("documents.jsonl", "passages.jsonl", "tables.jsonl")
LEGACY_TEXTS = "texts"
OWN_KEYS = ("store_format", "documents")  # the manifest's keys that belong to the store, not the ingest


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """One document as the manifest lists it; `shard`/`text` are empty for a store of the layout before."""

    meta: DocumentMeta
    shard: str
    text: str
    passages: int
    table_rows: int
    units: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "meta": asdict(self.meta),
            "shard": self.shard,
            "text": self.text,
            "passages": self.passages,
            "table_rows": self.table_rows,
            "units": list(self.units),
        }

    @classmethod
    def from_dict(cls, data: dict) -> StoredDocument:
        return cls(
            meta_from_dict(data["meta"]),
            data["shard"],
            data["text"],
            int(data["passages"]),
            int(data["table_rows"]),
            tuple(data["units"]),
        )


def units_of(passages: Sequence[Passage]) -> tuple[str, ...]:
    return tuple(sorted({u for p in passages for u in (*p.lead_units, *p.responsible_units)}))


class CorpusStore:
    """A folder of per-document shards and a manifest (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cached: tuple[tuple[int, int, int], dict] | None = None
        self._entries: tuple[dict, list[StoredDocument], dict[str, StoredDocument]] | None = None

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def exists(self) -> bool:
        return self.manifest_path.exists()

    def _manifest(self) -> dict:
        """The whole manifest, parsed once per version of the file."""
        try:
            stat = self.manifest_path.stat()
        except FileNotFoundError:
            return {}
        key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if self._cached is None or self._cached[0] != key:
            self._cached = (key, json.loads(self.manifest_path.read_text("utf-8")))
        return self._cached[1]

    def read_manifest(self) -> dict:
        """What the ingest wrote into the manifest (parser version, roots, sources), without the store's index."""
        return {k: v for k, v in self._manifest().items() if k not in OWN_KEYS}

    def is_legacy(self) -> bool:
        """A store of the layout before the shards (read as it is, converted on the next write)."""
        return self.exists() and "store_format" not in self._manifest()

    def entries(self) -> list[StoredDocument]:
        """The documents in corpus order, as the manifest lists them (no shard is read)."""
        if self.is_legacy():
            return self._legacy_entries()
        return list(self._indexed()[1])

    def _indexed(self) -> tuple[dict, list[StoredDocument], dict[str, StoredDocument]]:
        """The manifest's entries, and by doc_id, decoded once per version of the manifest."""
        manifest = self._manifest()
        if self._entries is None or self._entries[0] is not manifest:
            entries = [StoredDocument.from_dict(d) for d in manifest.get("documents", [])]
            self._entries = (manifest, entries, {e.meta.doc_id: e for e in entries})
        return self._entries

    def documents(self) -> list[DocumentMeta]:
        if self.is_legacy():
            return [meta_from_dict(d) for d in read_jsonl(self.root / "documents.jsonl")]
        return [entry.meta for entry in self.entries()]

    def passages(self) -> list[Passage]:
        if self.is_legacy():
            return [passage_from_dict(d) for d in read_jsonl(self.root / "passages.jsonl")]
        return [p for entry in self.entries() for p in self._shard(entry)[0]]

    def table_rows(self) -> list[tuple[str, TableRow]]:
        if self.is_legacy():
            return [row_from_dict(d) for d in read_jsonl(self.root / "tables.jsonl")]
        return [(e.meta.doc_id, row) for e in self.entries() for row in self._shard(e)[1]]

    def text(self, doc_id: str) -> str:
        if self.is_legacy():
            return (self.root / LEGACY_TEXTS / f"{doc_id}.txt").read_text("utf-8")
        entry = self._indexed()[2].get(doc_id)
        if entry is None:
            raise FileNotFoundError(f"no document {doc_id} in {self.root}")
        return (self.root / SHARDS / entry.text).read_text("utf-8")

    def document_passages(self, entry: StoredDocument) -> list[Passage]:
        """The passages of one document of this store (its shard is read)."""
        return self._shard(entry)[0]

    def _shard(self, entry: StoredDocument) -> tuple[list[Passage], list[TableRow]]:
        data = json.loads((self.root / SHARDS / entry.shard).read_text("utf-8"))
        rows = [row_from_dict({"doc_id": entry.meta.doc_id, **r})[1] for r in data["table_rows"]]
        return [passage_from_dict(p) for p in data["passages"]], rows

    def write_documents(
        self, documents: Sequence[ParsedDocument | StoredDocument], manifest: dict
    ) -> list[StoredDocument]:
        """Make the store hold exactly `documents`, in order: a parsed document gets its shards written (unless
        identical ones exist), a stored one (an entry of this store) is kept as it is. Returns the entries."""
        legacy = _LegacyDocuments(self) if self.is_legacy() else None
        (self.root / SHARDS).mkdir(parents=True, exist_ok=True)
        entries = []
        for document in documents:
            if isinstance(document, StoredDocument) and legacy is not None and not document.shard:
                document = legacy.parsed(document.meta)
            entries.append(document if isinstance(document, StoredDocument) else self._write_shards(document))
        body = {**manifest, "store_format": STORE_FORMAT, "documents": [e.to_dict() for e in entries]}
        # Compact: only then does json use its C encoder (the manifest lists every document).
        write_atomic(self.manifest_path, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
        self._remove_unlisted(entries)
        return entries

    def write(
        self,
        metas: list[DocumentMeta],
        texts: dict[str, str],
        passages: list[Passage],
        rows: list[tuple[str, TableRow]],
        manifest: dict,
    ) -> None:
        """Write a whole corpus (only the shards that differ from the files present are written)."""
        by_doc: dict[str, list[Passage]] = {}
        for passage in passages:
            by_doc.setdefault(passage.doc_id, []).append(passage)
        rows_by_doc: dict[str, list[TableRow]] = {}
        for doc_id, row in rows:
            rows_by_doc.setdefault(doc_id, []).append(row)
        parsed = [
            ParsedDocument(
                m, texts[m.doc_id], (), tuple(rows_by_doc.get(m.doc_id, ())), tuple(by_doc.get(m.doc_id, ()))
            )
            for m in metas
        ]
        self.write_documents(parsed, manifest)

    def update_metadata(self, metas: Sequence[DocumentMeta]) -> None:
        """Replace the metadata of the documents named by `metas` (by doc_id); no shard is rewritten."""
        if self.is_legacy():
            self.write_documents(self.entries(), self.read_manifest())  # converts, then updates below
        changed = {m.doc_id: m for m in metas}
        entries = [replace(e, meta=changed.get(e.meta.doc_id, e.meta)) for e in self.entries()]
        self.write_documents(entries, self.read_manifest())

    def _write_shards(self, document: ParsedDocument) -> StoredDocument:
        doc_id = document.meta.doc_id
        body = {
            "passages": [asdict(p) for p in document.passages],
            "table_rows": [asdict(r) for r in document.table_rows],
        }
        shard = self._put(doc_id, ".json", json.dumps(body, ensure_ascii=False).encode())
        text = self._put(doc_id, ".txt", document.raw_text.encode())
        units = units_of(document.passages)
        return StoredDocument(
            document.meta, shard, text, len(document.passages), len(document.table_rows), units
        )

    def _put(self, doc_id: str, suffix: str, data: bytes) -> str:
        name = f"{doc_id}-{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
        path = self.root / SHARDS / name
        if not path.exists():  # a file of this name holds these bytes: its name is their hash
            write_atomic(path, data)
        return name

    def _remove_unlisted(self, entries: Sequence[StoredDocument]) -> None:
        """Delete shards no entry names, and the files of the layout before (after the manifest is in place)."""
        listed = {name for e in entries for name in (e.shard, e.text)}
        for path in (self.root / SHARDS).iterdir():
            if path.name not in listed and not path.name.startswith("."):
                path.unlink(missing_ok=True)
        for name in LEGACY_FILES:
            (self.root / name).unlink(missing_ok=True)
        shutil.rmtree(self.root / LEGACY_TEXTS, ignore_errors=True)

    def _legacy_entries(self) -> list[StoredDocument]:
        legacy = _LegacyDocuments(self)
        return [
            StoredDocument(
                meta,
                "",
                "",
                len(legacy.passages(meta)),
                len(legacy.rows(meta)),
                units_of(legacy.passages(meta)),
            )
            for meta in self.documents()
        ]


class _LegacyDocuments:
    """A store of the layout before, read once and served by document."""

    def __init__(self, store: CorpusStore) -> None:
        self.root = store.root
        self._passages: dict[str, list[Passage]] = {}
        for passage in store.passages():
            self._passages.setdefault(passage.doc_id, []).append(passage)
        self._rows: dict[str, list[TableRow]] = {}
        for doc_id, row in store.table_rows():
            self._rows.setdefault(doc_id, []).append(row)

    def passages(self, meta: DocumentMeta) -> list[Passage]:
        return self._passages.get(meta.doc_id, [])

    def rows(self, meta: DocumentMeta) -> list[TableRow]:
        return self._rows.get(meta.doc_id, [])

    def parsed(self, meta: DocumentMeta) -> ParsedDocument:
        text = (self.root / LEGACY_TEXTS / f"{meta.doc_id}.txt").read_text("utf-8")
        return ParsedDocument(meta, text, (), tuple(self.rows(meta)), tuple(self.passages(meta)))
