"""The corpus store: one shard per document, a manifest written last, stores of the layout before still read."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from corpus import CorpusStore, ParsedDocument, bundled_corpus_dir, ingest
from corpus import store as store_module
from corpus.store import LEGACY_FILES, LEGACY_TEXTS, SHARDS


def served(store: CorpusStore) -> dict:
    """Everything a store serves, as plain data (what must not change across layouts)."""
    documents = store.documents()
    return {
        "documents": [asdict(d) for d in documents],
        "passages": [asdict(p) for p in store.passages()],
        "rows": [[doc_id, asdict(row)] for doc_id, row in store.table_rows()],
        "texts": {d.doc_id: store.text(d.doc_id) for d in documents},
    }


def shard_files(store: CorpusStore) -> dict[str, int]:
    """Shard file name → inode (a rewritten file gets a new inode)."""
    return {p.name: p.stat().st_ino for p in (store.root / SHARDS).iterdir()}


def write_legacy(root: Path, documents: list[ParsedDocument], manifest: dict) -> None:
    """A store in the layout before the shards: three JSON Lines files and texts/<doc_id>.txt."""
    (root / LEGACY_TEXTS).mkdir(parents=True)
    lines = {
        "documents.jsonl": [asdict(d.meta) for d in documents],
        "passages.jsonl": [asdict(p) for d in documents for p in d.passages],
        "tables.jsonl": [{"doc_id": d.meta.doc_id, **asdict(r)} for d in documents for r in d.table_rows],
    }
    for name, items in lines.items():
        (root / name).write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), "utf-8")
    for d in documents:
        (root / LEGACY_TEXTS / f"{d.meta.doc_id}.txt").write_text(d.raw_text, "utf-8")
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("chaoyang-2020.txt", "puyang-2020.txt", "wengyuan-2023.txt"):
        shutil.copy(bundled_corpus_dir() / name, folder)
    return folder


def test_round_trip_serves_what_was_parsed(tmp_path: Path, corpus_docs: dict[str, ParsedDocument]) -> None:
    store = CorpusStore(tmp_path / "corpus")
    documents = list(corpus_docs.values())
    store.write_documents(documents, {"parser_version": "x"})
    assert store.documents() == [d.meta for d in documents]
    assert store.passages() == [p for d in documents for p in d.passages]
    assert store.table_rows() == [(d.meta.doc_id, r) for d in documents for r in d.table_rows]
    assert all(store.text(d.meta.doc_id) == d.raw_text for d in documents)
    assert store.read_manifest() == {"parser_version": "x"}
    assert len(shard_files(store)) == 2 * len(documents)


def test_adding_one_document_writes_only_its_shards(docs: Path, tmp_path: Path) -> None:
    store = CorpusStore(tmp_path / "corpus")
    extra = docs.parent / "extra.txt"
    shutil.copy(bundled_corpus_dir() / "wuyang-henan-2018.txt", extra)
    ingest([docs], store, progress=False)
    before = shard_files(store)
    shutil.copy(extra, docs / "wuyang-henan-2018.txt")
    report = ingest([docs], store, progress=False)
    after = shard_files(store)
    assert report.parsed == 1 and report.documents == 4
    assert {name: after[name] for name in before} == before  # the others' files untouched
    assert sorted(set(after) - set(before)) == [
        n for n in sorted(after) if n.startswith("wuyang-henan-2018-")
    ]
    assert [d.doc_id for d in store.documents()][-1] == "wuyang-henan-2018"


def test_changing_and_deleting_a_document_replace_and_remove_its_shards(docs: Path, tmp_path: Path) -> None:
    store = CorpusStore(tmp_path / "corpus")
    ingest([docs], store, progress=False)
    before = shard_files(store)
    path = docs / "puyang-2020.txt"
    path.write_text(path.read_text("utf-8") + "\n附：本通知自印发之日起施行。\n", "utf-8")
    ingest([docs], store, progress=False)
    changed = shard_files(store)
    assert {n for n in before if n.startswith("puyang")} != {n for n in changed if n.startswith("puyang")}
    assert {n: i for n, i in before.items() if not n.startswith("puyang")} == {
        n: i for n, i in changed.items() if not n.startswith("puyang")
    }
    assert "附：本通知自印发之日起施行。" in store.text("puyang-2020")
    path.unlink()
    report = ingest([docs], store, progress=False)
    assert report.documents == 2 and "puyang-2020" not in [d.doc_id for d in store.documents()]
    assert not [n for n in shard_files(store) if n.startswith("puyang")]
    assert all(p.doc_id != "puyang-2020" for p in store.passages())


def test_a_store_of_the_layout_before_is_read_then_converted(
    docs: Path, tmp_path: Path, corpus_docs: dict[str, ParsedDocument]
) -> None:
    reference = CorpusStore(tmp_path / "reference")
    ingest([docs], reference, progress=False)
    legacy_root = tmp_path / "legacy"
    parsed = [
        ParsedDocument(
            e.meta,
            reference.text(e.meta.doc_id),
            (),
            tuple(corpus_docs[e.meta.doc_id].table_rows),
            tuple(p for p in reference.passages() if p.doc_id == e.meta.doc_id),
        )
        for e in reference.entries()
    ]
    write_legacy(legacy_root, parsed, reference.read_manifest())
    legacy = CorpusStore(legacy_root)
    assert legacy.is_legacy() and served(legacy) == served(reference)
    assert ingest([docs], legacy, progress=False).unchanged  # same sources: nothing to do, still readable
    shutil.copy(bundled_corpus_dir() / "wuyang-henan-2018.txt", docs)
    report = ingest([docs], legacy, progress=False)
    assert report.parsed == 1 and not legacy.is_legacy()  # converted on the write, nothing re-parsed
    assert not any((legacy_root / name).exists() for name in (*LEGACY_FILES, LEGACY_TEXTS))
    ingest([docs], reference, progress=False)
    assert served(legacy) == served(reference)


def test_a_crash_before_the_manifest_leaves_the_previous_store(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = CorpusStore(tmp_path / "corpus")
    ingest([docs], store, progress=False)
    before = served(store)
    shutil.copy(bundled_corpus_dir() / "wuyang-henan-2018.txt", docs)
    real_write = store_module.write_atomic

    def crash_on_manifest(path: Path, data: bytes) -> None:
        if path.name == "manifest.json":
            raise OSError("disk full")
        real_write(path, data)

    monkeypatch.setattr(store_module, "write_atomic", crash_on_manifest)
    with pytest.raises(OSError):
        ingest([docs], store, progress=False)
    assert served(CorpusStore(store.root)) == before  # the new shards are there, but no manifest names them
    monkeypatch.undo()
    ingest([docs], store, progress=False)
    listed = {name for e in store.entries() for name in (e.shard, e.text)}
    assert set(shard_files(store)) == listed  # the next write removed nothing it needs and left no orphan


def test_metadata_update_rewrites_only_the_manifest(docs: Path, tmp_path: Path) -> None:
    store = CorpusStore(tmp_path / "corpus")
    ingest([docs], store, progress=False)
    files = shard_files(store)
    meta = store.documents()[1]
    store.update_metadata([replace(meta, title="更正后的标题")])
    assert shard_files(store) == files
    assert [d.title for d in store.documents()][1] == "更正后的标题"
    assert ingest([docs], store, progress=False).unchanged
