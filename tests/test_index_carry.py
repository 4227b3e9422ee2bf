"""A build that carries unchanged documents over from the published version (indexes/parts.py, indexes/carry.py)
gives the same version as a build from scratch — faiss vectors, sentence table and vectors, BM25 scores,
passage order — after adding, changing and removing documents, and reads only the documents it derives."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from corpus import CorpusStore, DocumentMeta, ParsedDocument, Passage
from corpus.models import Locality
from indexes import ChineseTokenizer, build_index, load_index
from indexes.dense import DenseIndex
from indexes.embedders import LocalEmbedder
from indexes.parts import PARTS_FILE, DocumentRows, Piece, corpus_hash, plan_pieces, raw_items
from indexes.sentences import load_sentences
from indexes.sparse import SparseIndex
from indexes.store import build_from_sources, read_manifest, resolve
from tests.test_token_cache import HashEncoder

QUERIES = (["信用", "修复"], ["失信", "惩戒", "惩戒"], ["公示", "期限"], ["不存在"])
VOLATILE = ("version", "built_at", "seconds", "cpu_seconds", "embedded", "tokenized", "carried_documents")
CLAUSES = (
    "加强信用修复工作。申请人应当提交信用修复申请书。",
    "失信联合惩戒对象名单的公示期限为三年；期满自动移出。",
    "行政处罚信息公示期满后，可以申请提前停止公示。",
    "各部门按职责分工负责。",
)


def document(doc_id: str, place: str, texts: tuple[str, ...]) -> ParsedDocument:
    meta = DocumentMeta(doc_id, f"{place}关于{doc_id}的通知", f"{place}人民政府", (), (), None, Locality(city=place), "通知")
    passages = tuple(
        Passage(f"{doc_id}-{i}", doc_id, ("一、总体要求", f"（{i + 1}）"), text, 0, len(text))
        for i, text in enumerate(texts)
    )
    return ParsedDocument(meta, "\n".join(texts), (), (), passages)


def corpus(count: int) -> list[ParsedDocument]:
    places = ("濮阳市", "朝阳市", "翁源县", "新北区", "舞阳县")
    return [
        document(f"doc{i}", places[i % len(places)], tuple(f"{c}（第{i}号）" for c in CLAUSES[: 2 + i % 3]))
        for i in range(count)
    ]


class ReadCounting(CorpusStore):
    """The real store, recording which documents' passages a build reads."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.read: list[str] = []

    def document_passages(self, entry):  # type: ignore[no-untyped-def]
        self.read.append(entry.meta.doc_id)
        return super().document_passages(entry)


def publish(store: CorpusStore, root: Path) -> dict:
    from assistant.runtime import index_sources

    encoder = HashEncoder()
    embedder = LocalEmbedder(encoder, 16, False)
    return build_from_sources(root, index_sources(store), encoder, ChineseTokenizer(), embedder)


def served(root: Path) -> dict:
    """Everything a version serves, as comparable data (BM25 by its scores, not its vocabulary order)."""
    folder = resolve(root)
    dense = DenseIndex.load(folder / "dense.faiss")
    sentences = load_sentences(folder)
    sparse = SparseIndex.load(folder / "bm25", dense.size)
    manifest = {k: v for k, v in read_manifest(root).items() if k not in VOLATILE}
    return {
        "manifest": manifest,
        "dense": dense.rows(0, dense.size),
        "sentences": sentences.table,
        "sentence_vectors": np.asarray(sentences.vectors),
        "bm25": [sparse.scores(q) for q in QUERIES],
        "df": sparse.document_frequencies(),
        "passages": int(dense.size),
    }


def assert_same_as_scratch(store: CorpusStore, root: Path, scratch: Path) -> None:
    publish(store, scratch / "index")  # its own caches: nothing comes from the incremental side
    incremental, fresh = served(root), served(scratch / "index")
    assert incremental["manifest"] == fresh["manifest"]
    assert incremental["sentences"] == fresh["sentences"]
    assert incremental["df"] == fresh["df"]
    np.testing.assert_array_equal(incremental["dense"], fresh["dense"])
    np.testing.assert_array_equal(incremental["sentence_vectors"], fresh["sentence_vectors"])
    for ours, theirs in zip(incremental["bm25"], fresh["bm25"], strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)
    passages = store.passages()
    assert incremental["manifest"]["corpus_hash"] == corpus_hash(passages)
    assert incremental["passages"] == len(passages)


@pytest.fixture()
def store(tmp_path: Path) -> ReadCounting:
    store = ReadCounting(tmp_path / "corpus")
    store.write_documents(corpus(4), {"parser_version": "test"})
    return store


def test_adding_a_document_carries_the_others_and_equals_a_build_from_scratch(
    tmp_path: Path, store: ReadCounting
) -> None:
    root = tmp_path / "data" / "index"
    first = publish(store, root)
    assert first["carried_documents"] == 0 and sorted(store.read) == ["doc0", "doc1", "doc2", "doc3"]
    entries = store.entries()
    new = document("added", "濮阳市", ("新增条款：信用修复的期限为十个工作日。", CLAUSES[1] + "（新增）"))
    store.write_documents([*entries[:2], new, *entries[2:]], {"parser_version": "test"})  # in the middle
    store.read.clear()
    added = publish(store, root)
    assert store.read == ["added"]  # no other shard read
    assert added["carried_documents"] == 4 and added["tokenized"] == 2
    # its passages and those of its sentences no other document has: the others come from the version before
    assert 2 <= added["embedded"] <= 2 + added["sentences"] - first["sentences"]
    assert_same_as_scratch(store, root, tmp_path / "scratch")


def test_changing_a_document_derives_it_alone_and_equals_a_build_from_scratch(
    tmp_path: Path, store: ReadCounting
) -> None:
    root = tmp_path / "data" / "index"
    publish(store, root)
    entries = store.entries()
    changed = store.document_passages(entries[1])
    edited = [changed[0], dataclasses.replace(changed[1], text="失信联合惩戒的公示期限为五年。")]
    parsed = ParsedDocument(entries[1].meta, "x", (), (), tuple(edited))
    store.write_documents([entries[0], parsed, *entries[2:]], {"parser_version": "test"})
    store.read.clear()
    manifest = publish(store, root)
    assert store.read == ["doc1"] and manifest["carried_documents"] == 3
    assert manifest["tokenized"] == 1  # its unchanged passage keeps its BM25 row
    assert_same_as_scratch(store, root, tmp_path / "scratch")


def test_removing_documents_and_moving_one_equals_a_build_from_scratch(tmp_path: Path, store: ReadCounting) -> None:
    root = tmp_path / "data" / "index"
    publish(store, root)
    entries = store.entries()
    store.write_documents([entries[3], entries[0], entries[2]], {"parser_version": "test"})
    store.read.clear()
    manifest = publish(store, root)
    assert store.read == [] and manifest["embedded"] == 0 and manifest["tokenized"] == 0
    assert_same_as_scratch(store, root, tmp_path / "scratch")


def test_a_new_locality_label_derives_the_document_again(tmp_path: Path, store: ReadCounting) -> None:
    root = tmp_path / "data" / "index"
    publish(store, root)
    meta = store.documents()[2]
    store.update_metadata([dataclasses.replace(meta, locality=Locality(province="河南省", city="安阳市"))])
    store.read.clear()
    manifest = publish(store, root)
    assert store.read == ["doc2"] and manifest["carried_documents"] == 3  # its index texts name the place
    assert_same_as_scratch(store, root, tmp_path / "scratch")


def test_a_version_without_per_document_rows_is_not_carried_from(tmp_path: Path, store: ReadCounting) -> None:
    root = tmp_path / "data" / "index"
    publish(store, root)
    (resolve(root) / PARTS_FILE).unlink()  # as a version written before
    store.read.clear()
    manifest = publish(store, root)
    assert manifest["carried_documents"] == 0 and len(store.read) == 4
    assert manifest["tokenized"] == 0  # BM25 rows are still found by text
    assert_same_as_scratch(store, root, tmp_path / "scratch")


def test_build_index_from_passages_carries_too_and_loads(tmp_path: Path) -> None:
    docs = corpus(5)
    encoder, tokenizer = HashEncoder(), ChineseTokenizer()
    root = tmp_path / "data" / "index"

    def passages_of(chosen: list[ParsedDocument]) -> tuple[list[Passage], dict[str, DocumentMeta]]:
        return [p for d in chosen for p in d.passages], {d.meta.doc_id: d.meta for d in chosen}

    build_index(root, *passages_of(docs[:4]), encoder, tokenizer, progress=False)
    manifest = build_index(root, *passages_of(docs), encoder, tokenizer, progress=False)
    assert manifest["carried_documents"] == 4
    scratch = tmp_path / "scratch" / "index"
    build_index(scratch, *passages_of(docs), encoder, tokenizer, progress=False)
    ours, theirs = served(root), served(scratch)
    np.testing.assert_array_equal(ours["dense"], theirs["dense"])
    assert ours["sentences"] == theirs["sentences"] and ours["manifest"] == theirs["manifest"]
    retriever = load_index(root, *passages_of(docs), encoder, tokenizer)  # the manifest checks out
    assert retriever.search("信用修复", 3)


def test_plan_pieces_joins_consecutive_documents_into_one_range() -> None:
    keys = np.asarray([bytes([i]) * 20 for i in range(4)], dtype="S20")
    empty = np.zeros(0, "S20")
    from indexes.sentences import EncodedSentences

    sentences = EncodedSentences(np.zeros(1, "int64"), np.zeros(0, "uint8"), np.zeros(1, "int64"))
    previous = DocumentRows(keys, np.zeros(4, "int64"), np.zeros(4, "S32"), empty, empty, sentences)

    class Source:
        def __init__(self, key: bytes) -> None:
            self.key = key

    plan = plan_pieces(previous, [Source(k) for k in raw_items(keys)[:2]] + [Source(b"n" * 20)] + [Source(raw_items(keys)[3])])  # type: ignore[misc]
    assert [(p.first, p.stop) if isinstance(p, Piece) else "new" for p in plan] == [(0, 2), "new", (3, 4)]


def test_raw_items_keep_trailing_zero_bytes() -> None:
    items = [b"\x01" + bytes(19), bytes(20)]
    assert raw_items(np.asarray(items, dtype="S20")) == items


def test_without_copy_file_range_the_rows_are_copied_through_memory(
    tmp_path: Path, store: ReadCounting, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "data" / "index"
    publish(store, root)
    entries = store.entries()
    store.write_documents([entries[0], *corpus(6)[5:], *entries[1:]], {"parser_version": "test"})

    def unsupported(*args: object) -> int:
        raise OSError("not here")

    monkeypatch.setattr("indexes.carry.os.copy_file_range", unsupported)
    assert publish(store, root)["carried_documents"] == 4
    assert_same_as_scratch(store, root, tmp_path / "scratch")
