"""Corrections of wrongly read metadata (title, issuer, dates, locality), kept across re-parses.

An administrator's correction is stored beside the corpus (`<data_dir>/corrections.json`, per document id the
fields and their corrected values) and applied to the parsed metadata after every ingest, so a re-parse —
a changed parser, a replaced file, `ingest --force` — never brings the wrong reading back.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from corpus import CorpusStore, DocumentMeta, Locality

# Fields never corrected by hand: identity, provenance and what the parser derives from the body.
FIXED_FIELDS = frozenset({"doc_id", "source_path", "sha256", "attachment_kinds", "cited_doc_numbers"})
LOCALITY_PARTS = ("province", "city", "county")


def correctable_fields() -> tuple[str, ...]:
    """The DocumentMeta fields a correction may set (whatever fields the metadata has today)."""
    return tuple(f.name for f in dataclasses.fields(DocumentMeta) if f.name not in FIXED_FIELDS)


def coerce(meta: DocumentMeta, name: str, value: Any) -> Any:
    """A stored correction value as the field's type (locality: an object of province/city/county)."""
    if name == "locality" and isinstance(value, dict):
        return Locality(**{part: value.get(part) or None for part in LOCALITY_PARTS})
    current = getattr(meta, name)
    if isinstance(current, tuple) and isinstance(value, list):
        return tuple(value)
    if name == "year" and isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def apply_corrections(meta: DocumentMeta, fields: dict[str, Any]) -> DocumentMeta:
    """`meta` with the corrected fields set; fields the metadata does not have (any more) are ignored."""
    known = set(correctable_fields())
    changes = {name: coerce(meta, name, value) for name, value in fields.items() if name in known}
    if "date" in changes and isinstance(changes["date"], str) and changes["date"][:4].isdigit():
        changes.setdefault("year", int(changes["date"][:4]))  # the year shown beside the date follows it
    return dataclasses.replace(meta, **changes) if changes else meta


class Corrections:
    """The corrections file: {doc_id: {field: value}}; written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, dict[str, Any]]:
        if not self.path.is_file():
            return {}
        return dict(json.loads(self.path.read_text("utf-8")))

    def write(self, corrections: dict[str, dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(corrections, ensure_ascii=False, indent=2), "utf-8")
        os.replace(tmp, self.path)

    def of(self, doc_id: str) -> dict[str, Any]:
        return dict(self.read().get(doc_id, {}))

    def merge(self, doc_id: str, fields: dict[str, Any]) -> None:
        """Add or change corrections of `doc_id`; a field set to None drops its correction."""
        corrections = self.read()
        merged = {
            name: value
            for name, value in {**corrections.get(doc_id, {}), **fields}.items()
            if value is not None
        }
        if merged:
            corrections[doc_id] = merged
        else:
            corrections.pop(doc_id, None)
        self.write(corrections)

    def drop(self, doc_id: str) -> None:
        corrections = self.read()
        if corrections.pop(doc_id, None) is not None:
            self.write(corrections)


def correct_store(store: CorpusStore, corrections: dict[str, dict[str, Any]]) -> int:
    """Apply the corrections to the store's metadata (rewriting it only when something changes); how many
    documents changed."""
    metas = store.documents()
    corrected = [apply_corrections(m, corrections.get(m.doc_id, {})) for m in metas]
    changed = sum(1 for a, b in zip(metas, corrected, strict=True) if a != b)
    if changed:  # only the manifest is rewritten: the documents' shards stay as they are
        store.update_metadata([b for a, b in zip(metas, corrected, strict=True) if a != b])
    return changed
