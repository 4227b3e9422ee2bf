"""The document library: a folder of original files the corpus is ingested from, plus what was said about them.

    <data_dir>/documents/<doc_id><suffix>   the originals (uploaded, or the bundled five copied in at the first
                                            change), one file per document id
    <data_dir>/document_info.json           per document: the uploaded file's own name, who and when, warnings
    <data_dir>/corrections.json             corrected metadata fields (assistant/corrections.py)

A change moves files in or out of the folder and can be undone (the job that makes it undoes it when the
ingest or the index build fails), so a failed change leaves the library as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus import CorpusStore
from corpus.loaders import SUPPORTED_SUFFIXES
from corpus.pipeline import discover, doc_id_for

UNSAFE_NAME = re.compile(r"[\\/:*?\"<>|\x00-\x1f]")


def stored_name(filename: str) -> str:
    """An upload's own name without any folder part or character a file system might refuse."""
    base = UNSAFE_NAME.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    stem, dot, suffix = base.rpartition(".")
    return (stem[:100] + dot + suffix[:10]) if dot and stem else base[:110] or "document"


def suffix_of(filename: str) -> str:
    return Path(stored_name(filename)).suffix.lower()


def upload_doc_id(filename: str) -> str:
    """The document id an upload gets: its file name without the suffix, as `credit-assistant ingest` names it."""
    return doc_id_for(Path(stored_name(filename)))


@dataclass
class Undo:
    """Files a change moved away (restored on undo) and files it brought in (removed on undo)."""

    moved: list[tuple[Path, Path]] = field(default_factory=list)  # (kept copy, original place)
    added: list[Path] = field(default_factory=list)

    def run(self) -> None:
        for path in self.added:
            path.unlink(missing_ok=True)
        for kept, place in self.moved:
            if kept.exists():
                os.replace(kept, place)


class DocumentLibrary:
    def __init__(self, root: Path, info_path: Path) -> None:
        self.root, self.info_path = root, info_path

    def exists(self) -> bool:
        return self.root.is_dir()

    def files(self) -> dict[str, Path]:
        """Document id → original file."""
        return {doc_id_for(p): p for p in discover([self.root])} if self.exists() else {}

    def file_of(self, doc_id: str) -> Path | None:
        return self.files().get(doc_id)

    def seed(self, store: CorpusStore, sources: list[Path]) -> None:
        """Create the library from what the corpus holds now (each document's source file, under its id)."""
        if self.exists():
            return
        tmp = self.root.with_name(self.root.name + ".seed")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        known = {m.doc_id: Path(m.source_path) for m in store.documents() if m.source_path}
        if not known:
            known = {doc_id_for(p): p for p in discover(sources)}
        for doc_id, source in known.items():
            if source.is_file() and source.suffix.lower() in SUPPORTED_SUFFIXES:
                shutil.copy2(source, tmp / f"{doc_id}{source.suffix.lower()}")
        os.replace(tmp, self.root)

    def put(self, doc_id: str, staged: Path, backup: Path) -> Undo:
        """Bring `staged` in as document `doc_id` (moving any file it replaces to `backup`)."""
        undo = self.remove(doc_id, backup)
        target = self.root / f"{doc_id}{staged.suffix.lower()}"
        shutil.copy2(staged, target)
        undo.added.append(target)
        return undo

    def remove(self, doc_id: str, backup: Path) -> Undo:
        undo = Undo()
        current = self.file_of(doc_id)
        if current is not None:
            backup.mkdir(parents=True, exist_ok=True)
            kept = backup / current.name
            os.replace(current, kept)
            undo.moved.append((kept, current))
        return undo

    # ---- what was said about each file ----

    def info(self) -> dict[str, dict[str, Any]]:
        if not self.info_path.is_file():
            return {}
        return dict(json.loads(self.info_path.read_text("utf-8")))

    def note(self, doc_id: str, **values: Any) -> None:
        info = self.info()
        info[doc_id] = {**info.get(doc_id, {}), **values, "at": dt.datetime.now(dt.UTC).isoformat()}
        self._write_info(info)

    def forget(self, doc_id: str) -> None:
        info = self.info()
        if info.pop(doc_id, None) is not None:
            self._write_info(info)

    def _write_info(self, info: dict[str, dict[str, Any]]) -> None:
        self.info_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.info_path.with_name(self.info_path.name + ".tmp")
        tmp.write_text(json.dumps(info, ensure_ascii=False, indent=2), "utf-8")
        os.replace(tmp, self.info_path)
