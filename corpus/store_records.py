"""The corpus store's records as JSON: documents, passages and table rows, and the files that hold them.

Pure conversions plus two small file helpers; `corpus/store.py` decides which files exist.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from corpus.models import DatedEvent, DocumentMeta, Locality, Passage, TableRow, Units


def meta_from_dict(data: dict) -> DocumentMeta:
    data = dict(data)
    data["locality"] = Locality(**data["locality"])
    for key in ("doc_numbers", "cited_doc_numbers", "attachment_kinds", "cites"):
        data[key] = tuple(data.get(key, ()))
    data["dates"] = tuple(DatedEvent(**event) for event in data.get("dates", ()))
    return DocumentMeta(**data)


def passage_from_dict(data: dict) -> Passage:
    data = dict(data)
    for key in ("section_path", "lead_units", "responsible_units"):
        data[key] = tuple(data[key])
    return Passage(**data)


def row_from_dict(data: dict) -> tuple[str, TableRow]:
    data = dict(data)
    doc_id = data.pop("doc_id")
    units = data.pop("units")
    data["units"] = Units(tuple(units["lead_units"]), tuple(units["responsible_units"]), units["raw"])
    return doc_id, TableRow(**data)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path` (never a half file)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
