"""Persist parsed documents as JSON Lines plus a manifest of source hashes."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from corpus.models import DatedEvent, DocumentMeta, Locality, Passage, TableRow, Units

PARSER_VERSION = (
    "3"  # 2: documents carry their 主送单位; 3: regulations by article, level/dates/cites, formats
)


def _meta_from_dict(data: dict) -> DocumentMeta:
    data = dict(data)
    data["locality"] = Locality(**data["locality"])
    for key in ("doc_numbers", "cited_doc_numbers", "attachment_kinds", "cites"):
        data[key] = tuple(data.get(key, ()))
    data["dates"] = tuple(DatedEvent(**event) for event in data.get("dates", ()))
    return DocumentMeta(**data)


def _passage_from_dict(data: dict) -> Passage:
    data = dict(data)
    for key in ("section_path", "lead_units", "responsible_units"):
        data[key] = tuple(data[key])
    return Passage(**data)


def _row_from_dict(data: dict) -> tuple[str, TableRow]:
    data = dict(data)
    doc_id = data.pop("doc_id")
    units = data.pop("units")
    data["units"] = Units(tuple(units["lead_units"]), tuple(units["responsible_units"]), units["raw"])
    return doc_id, TableRow(**data)


class CorpusStore:
    """A folder: manifest.json, documents.jsonl, passages.jsonl, tables.jsonl, texts/<doc_id>.txt."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def exists(self) -> bool:
        return self.manifest_path.exists()

    def read_manifest(self) -> dict:
        if not self.exists():
            return {}
        return json.loads(self.manifest_path.read_text("utf-8"))

    def write(
        self,
        metas: list[DocumentMeta],
        texts: dict[str, str],
        passages: list[Passage],
        rows: list[tuple[str, TableRow]],
        manifest: dict,
    ) -> None:
        """Write every file to a temporary folder first, then swap it in: no half-written corpus."""
        tmp = self.root.with_name(self.root.name + ".tmp")
        (tmp / "texts").mkdir(parents=True, exist_ok=True)
        for doc_id, text in texts.items():
            (tmp / "texts" / f"{doc_id}.txt").write_text(text, "utf-8")
        _write_jsonl(tmp / "documents.jsonl", (asdict(m) for m in metas))
        _write_jsonl(tmp / "passages.jsonl", (asdict(p) for p in passages))
        _write_jsonl(tmp / "tables.jsonl", ({"doc_id": d, **asdict(r)} for d, r in rows))
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
        if self.root.exists():
            old = self.root.with_name(self.root.name + ".old")
            self.root.rename(old)
            tmp.rename(self.root)
            _remove_tree(old)
        else:
            self.root.parent.mkdir(parents=True, exist_ok=True)
            tmp.rename(self.root)

    def documents(self) -> list[DocumentMeta]:
        return [_meta_from_dict(d) for d in _read_jsonl(self.root / "documents.jsonl")]

    def passages(self) -> list[Passage]:
        return [_passage_from_dict(d) for d in _read_jsonl(self.root / "passages.jsonl")]

    def table_rows(self) -> list[tuple[str, TableRow]]:
        return [_row_from_dict(d) for d in _read_jsonl(self.root / "tables.jsonl")]

    def text(self, doc_id: str) -> str:
        return (self.root / "texts" / f"{doc_id}.txt").read_text("utf-8")


def _write_jsonl(path: Path, items: object) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for item in items:  # type: ignore[attr-defined]
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
