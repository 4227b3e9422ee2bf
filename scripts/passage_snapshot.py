"""Snapshot the parse of documents (metadata and passages) and compare two snapshots.

    python scripts/passage_snapshot.py dump before.json [folder ...]   # default: the five bundled documents
    python scripts/passage_snapshot.py diff before.json after.json

A parser change should leave the bundled documents' passages identical unless the difference is intended.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from corpus import bundled_corpus_dir, load_document, parse_document
from corpus.pipeline import discover, doc_id_for


def dump(target: str, folders: list[str]) -> None:
    files = discover([Path(f) for f in folders] or [bundled_corpus_dir()])
    out = {}
    for path in files:
        doc = parse_document(doc_id_for(path), load_document(path))
        meta = asdict(doc.meta) | {"source_path": ""}
        out[path.name] = {"meta": meta, "passages": [asdict(p) for p in doc.passages]}
    Path(target).write_text(json.dumps(out, ensure_ascii=False, indent=1), "utf-8")


def diff(before_path: str, after_path: str) -> int:
    before = json.loads(Path(before_path).read_text("utf-8"))
    after = json.loads(Path(after_path).read_text("utf-8"))
    changed = 0
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name, {}).get("meta", {}), after.get(name, {}).get("meta", {})
        fields = sorted(k for k in old if k in new and old[k] != new[k])
        added = sorted(k for k in new if k not in old)
        same = before.get(name, {}).get("passages") == after.get(name, {}).get("passages")
        changed += bool(fields) or not same
        print(
            f"{name}: passages {'same' if same else 'CHANGED'}; metadata changed: {fields or 'none'}; new: {added}"
        )
    return 1 if changed else 0


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "dump":
        dump(args[0], args[1:])
    else:
        sys.exit(diff(args[0], args[1]))
