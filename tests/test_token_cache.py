"""The BM25 token cache: a rebuild tokenizes only new texts, the same tokens as before, and a changed
dictionary or a damaged cache file means tokenizing again, never a crash."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from corpus import DocumentMeta, ParsedDocument, Passage
from indexes import ChineseTokenizer, build_index, index_text, load_index
from indexes import token_cache as tc
from indexes.embedding_cache import shards_path as embedding_shards_path
from indexes.sparse import SparseIndex
from indexes.tokenizer import _data_path

QUERIES = ("信用修复需要哪些材料", "失信联合惩戒对象", "国发〔2016〕33号", "第十二条")


class CountingTokenizer(ChineseTokenizer):
    """The real tokenizer, recording every text it is asked to tokenize."""

    def __init__(self, dictionary: Path | None = None) -> None:
        super().__init__(dictionary)
        self.texts: list[str] = []

    def tokenize(self, text: str) -> list[str]:
        self.texts.append(text)
        return super().tokenize(text)


class HashEncoder:
    """A tiny deterministic encoder (vectors from a text hash): these tests are about tokens, not vectors."""

    name, version, dim = "test/hash", "1", 8

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_passages(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest()[:8], dtype="uint8") for t in texts]
        vectors = np.asarray(rows, dtype="float32").reshape(len(texts), self.dim) + 1.0
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def tokenizer() -> CountingTokenizer:
    return CountingTokenizer()


def corpus_of(docs: Sequence[ParsedDocument]) -> tuple[list[Passage], dict[str, DocumentMeta]]:
    return [p for d in docs for p in d.passages], {d.meta.doc_id: d.meta for d in docs}


def texts_of(passages: Sequence[Passage], documents: dict[str, DocumentMeta]) -> set[str]:
    return {index_text(p, documents[p.doc_id]) for p in passages}


def build(
    folder: Path, passages: list[Passage], documents: dict[str, DocumentMeta], tokenizer: ChineseTokenizer
) -> dict:
    return build_index(folder, passages, documents, HashEncoder(), tokenizer, progress=False)


def test_rebuild_after_adding_a_document_tokenizes_only_its_texts(
    tmp_path: Path, corpus_docs: dict[str, ParsedDocument], tokenizer: CountingTokenizer
) -> None:
    *before, added = corpus_docs.values()
    folder = tmp_path / "index"
    passages, documents = corpus_of(before)
    tokenizer.texts.clear()
    first = build(folder, passages, documents, tokenizer)
    assert set(tokenizer.texts) == texts_of(passages, documents) and first["tokenized"] == len(
        tokenizer.texts
    )
    assert tc.cache_path(folder, tokenizer).exists()

    tokenizer.texts.clear()
    assert build(folder, passages, documents, tokenizer)["tokenized"] == 0  # nothing new: no jieba at all
    assert tokenizer.texts == []

    passages, documents = corpus_of([*before, added])
    manifest = build(folder, passages, documents, tokenizer)
    new = texts_of(added.passages, documents) - texts_of(passages[: -len(added.passages)], documents)
    assert new and set(tokenizer.texts) == new and len(tokenizer.texts) == len(new) == manifest["tokenized"]

    # Removed: nothing to tokenize. Added back: its texts are tokenized again, since the version before no
    # longer holds their rows and a build that carries the BM25 statistics over does not read the cache.
    tokenizer.texts.clear()
    passages, documents = corpus_of(before)
    assert build(folder, passages, documents, tokenizer)["tokenized"] == 0
    passages, documents = corpus_of([*before, added])
    assert (
        build(folder, passages, documents, tokenizer)["tokenized"] == len(new) and set(tokenizer.texts) == new
    )

    # A first build in another index folder beside it reads the same cache: nothing to tokenize.
    tokenizer.texts.clear()
    assert (
        build(tmp_path / "other", passages, documents, tokenizer)["tokenized"] == 0 and tokenizer.texts == []
    )


def test_changing_one_passage_tokenizes_that_passage_only(
    tmp_path: Path, corpus_docs: dict[str, ParsedDocument], tokenizer: CountingTokenizer
) -> None:
    passages, documents = corpus_of(list(corpus_docs.values()))
    folder = tmp_path / "index"
    build(folder, passages, documents, tokenizer)
    target = len(passages) // 2
    passages[target] = dataclasses.replace(
        passages[target], text=passages[target].text + "\n新增条款：信用承诺书应当向社会公开。"
    )
    tokenizer.texts.clear()
    manifest = build(folder, passages, documents, tokenizer)
    assert tokenizer.texts == [index_text(passages[target], documents[passages[target].doc_id])]
    assert manifest["tokenized"] == 1


def test_cached_tokens_give_the_same_bm25(
    tmp_path: Path, corpus_docs: dict[str, ParsedDocument], tokenizer: CountingTokenizer
) -> None:
    passages, documents = corpus_of(list(corpus_docs.values()))
    folder = tmp_path / "index"
    build(folder, passages, documents, tokenizer)
    tokenizer.texts.clear()
    build(folder, passages, documents, tokenizer)  # every token list from the cache
    assert tokenizer.texts == []
    retriever = load_index(folder, passages, documents, HashEncoder(), tokenizer)
    texts = [index_text(p, documents[p.doc_id]) for p in passages]
    direct = [ChineseTokenizer.tokenize(tokenizer, t) for t in texts]
    cached = tc.cached_tokenize(tokenizer, texts, tc.read_shards(tc.cache_path(folder, tokenizer), tokenizer))
    assert cached.tokenized == 0 and cached.token_lists == direct
    fresh = SparseIndex.build(direct)
    for query in QUERIES:
        tokens = tokenizer.tokenize(query)
        assert np.array_equal(retriever.sparse.scores(tokens), fresh.scores(tokens))


def test_a_changed_dictionary_invalidates_the_cache(
    tmp_path: Path, corpus_docs: dict[str, ParsedDocument], tokenizer: CountingTokenizer
) -> None:
    passages, documents = corpus_of(list(corpus_docs.values())[:2])
    folder = tmp_path / "index"
    build(folder, passages, documents, tokenizer)
    dictionary = tmp_path / "domain_dict.txt"
    dictionary.write_text(_data_path("domain_dict.txt").read_text("utf-8") + "信用承诺书 20 n\n", "utf-8")
    other = CountingTokenizer(dictionary)
    assert other.identity != tokenizer.identity
    assert tc.cache_path(folder, other) != tc.cache_path(folder, tokenizer)
    manifest = build(folder, passages, documents, other)
    assert set(other.texts) == texts_of(passages, documents) and manifest["tokenized"] == len(other.texts)

    # A shard written under another identity is not trusted even in this tokenizer's folder.
    mine = tc.shard_files(tc.cache_path(folder, tokenizer))[0]
    (tc.cache_path(folder, other) / "foreign.npz").write_bytes(mine.read_bytes())
    assert len(tc.read_cache(tc.cache_path(folder, other) / "foreign.npz", other)) == 0
    assert len(tc.read_shards(tc.cache_path(folder, tokenizer), tokenizer)) > 0


def damaged(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "npy":  # a valid numpy file, but a lone array
        with path.open("wb") as handle:
            np.save(handle, np.arange(3))
    elif how == "garbage":
        path.write_bytes(b"\x93NUMPY not really" * 50)
    elif how == "flipped":  # one byte changed inside the stored arrays: the zip CRC check fails
        middle = len(data) // 3
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    elif how == "inconsistent":  # a well-formed file whose token ids point outside the vocabulary
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        arrays["ids"] = arrays["ids"] + len(arrays["vocab_offsets"])
        with path.open("wb") as handle:
            np.savez(handle, **arrays)


@pytest.mark.parametrize("how", ["truncated", "empty", "npy", "garbage", "flipped", "inconsistent"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(
    tmp_path: Path, corpus_docs: dict[str, ParsedDocument], tokenizer: CountingTokenizer, how: str
) -> None:
    passages, documents = corpus_of(list(corpus_docs.values())[:2])
    folder = tmp_path / "index"
    build(folder, passages, documents, tokenizer)
    folder_of_shards = tc.cache_path(folder, tokenizer)
    (path,) = tc.shard_files(folder_of_shards)
    damaged(path, how)
    if how not in ("inconsistent", "flipped"):  # the embedding shard, damaged so, is not a crash either
        damaged(next(embedding_shards_path(folder, HashEncoder()).glob("*.vectors.npy")), how)
    assert len(tc.read_cache(path, tokenizer)) == 0 and len(tc.read_shards(folder_of_shards, tokenizer)) == 0
    tokenizer.texts.clear()
    # Built into a new index folder beside the first (the same caches, no version to carry BM25 over from).
    manifest = build(tmp_path / "again", passages, documents, tokenizer)
    assert set(tokenizer.texts) == texts_of(passages, documents) and manifest["tokenized"] == len(
        tokenizer.texts
    )
    tokenizer.texts.clear()
    assert build(tmp_path / "third", passages, documents, tokenizer)["tokenized"] == 0  # a new shard has them
    assert not list(path.parent.glob("*.tmp"))


def test_merge_keeps_used_entries_and_drops_tokens_no_entry_uses(tokenizer: CountingTokenizer) -> None:
    texts = ["信用修复申请材料", "失信联合惩戒对象名单", "守信激励措施"]
    first = tc.cached_tokenize(tokenizer, texts, tc.TokenCache.empty())
    cache = tc.merged(tc.TokenCache.empty(), first)
    second = tc.cached_tokenize(tokenizer, [texts[0], "信用承诺"], cache)
    kept = tc.merged(cache, second, keep_unused=0)
    assert len(kept) == 2 and second.tokenized == 1
    assert set(kept.vocab.tolist()) == {*second.token_lists[0], *second.token_lists[1]}
    assert [kept.tokens(row) for row in range(len(kept))] == second.token_lists


def test_idf_read_off_the_bm25_index_equals_tokenizing_every_passage(policy_corpus) -> None:  # type: ignore[no-untyped-def]
    from assistant.policy_qa.evidence import idf_table, index_idf

    retriever = policy_corpus.retriever
    texts = [index_text(p, policy_corpus.documents[p.doc_id]) for p in policy_corpus.passages]
    assert index_idf(retriever) == idf_table(retriever.tokenizer, texts)
