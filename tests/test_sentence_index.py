"""Index-time sentence vectors, the incremental embedding cache, query-vector caching and identifier tokens."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from corpus import Passage, fold
from indexes import (
    ChineseTokenizer,
    Encoder,
    HybridRetriever,
    SentenceIndex,
    SentenceTable,
    build_index,
    identifier_tokens,
    index_text,
    load_index,
    passage_sentences,
    read_manifest,
)
from indexes import tokenizer as tokenizer_module
from indexes.embedding_cache import merged_entries, shards_path
from indexes.sentences import load_sentences, save_sentences
from indexes.sparse import SparseIndex


class CountingEncoder:
    """The real encoder, recording every text it is asked to encode."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name, self.version, self.dim = inner.name, inner.version, inner.dim
        self.passage_texts: list[str] = []
        self.query_texts: list[str] = []

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.query_texts.extend(texts)
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passage_texts.extend(texts)
        return self.inner.encode_passages(texts)


def test_passage_sentences_keep_short_ones_and_drop_empty() -> None:
    assert passage_sentences("一、总体要求。\n加强信用建设；  ；好。") == [
        "一、总体要求。",
        "加强信用建设；",
        "；",
        "好。",
    ]
    assert passage_sentences("  \n ") == []


def test_sentence_table_and_vectors_round_trip(tmp_path: Path) -> None:
    table = SentenceTable(("甲。", "乙。", "丙。"), (0, 2, 2, 3))
    vectors = np.arange(12, dtype="float32").reshape(3, 4)
    save_sentences(tmp_path, SentenceIndex(table, vectors))
    loaded = load_sentences(tmp_path)
    assert loaded.table == table
    assert isinstance(loaded.vectors, np.memmap)
    texts, rows = loaded.of(1)
    assert texts == [] and rows.shape == (0, 4)
    texts, rows = loaded.of(0)
    assert texts == ["甲。", "乙。"] and np.array_equal(rows, vectors[:2])
    with pytest.raises(ValueError):
        SentenceTable(("甲。",), (0, 2))


def test_real_index_serves_every_passages_sentences(policy_corpus, settings) -> None:  # type: ignore[no-untyped-def]
    retriever = policy_corpus.retriever
    total = 0
    for i, passage in enumerate(retriever.passages):
        assert retriever.passage_index(passage.passage_id) == i
        texts, vectors = retriever.sentences_of(i)
        assert texts == passage_sentences(passage.text)
        assert vectors.shape == (len(texts), retriever.encoder.dim)
        total += len(texts)
    assert total == retriever.sentences.size
    manifest = read_manifest(settings.index_dir)
    assert manifest["sentences"] == total and manifest["format"] == "3"
    norms = np.linalg.norm(np.asarray(retriever.sentences.vectors), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-4)


def test_stored_sentence_vector_equals_a_fresh_encoding(policy_corpus) -> None:  # type: ignore[no-untyped-def]
    retriever = policy_corpus.retriever
    index = next(i for i, p in enumerate(retriever.passages) if len(passage_sentences(p.text)) >= 3)
    texts, vectors = retriever.sentences_of(index)
    for row in (0, len(texts) - 1):
        fresh = retriever.encoder.encode_passages([texts[row]])[0]
        assert np.allclose(vectors[row], fresh, atol=1e-4)


def test_rebuild_embeds_only_the_changed_passage(policy_corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    real = policy_corpus.retriever
    documents = policy_corpus.documents
    passages: list[Passage] = list(policy_corpus.passages[:12])
    encoder = CountingEncoder(real.encoder)
    folder = tmp_path / "index"

    first = build_index(folder, passages, documents, encoder, real.tokenizer, progress=False)
    expected = {index_text(p, documents[p.doc_id]) for p in passages} | set(
        SentenceTable.from_passages(passages).texts
    )
    assert set(encoder.passage_texts) == expected and len(encoder.passage_texts) == len(expected)
    assert first["embedded"] == len(expected)
    assert any(shards_path(folder, encoder).iterdir())  # the vectors are kept beside the index

    encoder.passage_texts.clear()
    assert build_index(folder, passages, documents, encoder, real.tokenizer, progress=False)["embedded"] == 0
    assert encoder.passage_texts == []

    added = "新增条款：信用承诺书应当向社会公开。"
    target = next(i for i, p in enumerate(passages) if p.text.rstrip().endswith("。"))
    changed = dataclasses.replace(passages[target], text=passages[target].text + "\n" + added)
    passages[target] = changed
    manifest = build_index(folder, passages, documents, encoder, real.tokenizer, progress=False)
    own = {index_text(changed, documents[changed.doc_id]), *passage_sentences(changed.text)}
    assert set(encoder.passage_texts) <= own
    assert set(encoder.passage_texts) == {index_text(changed, documents[changed.doc_id]), added}
    assert manifest["embedded"] == 2

    loaded = load_index(folder, passages, documents, encoder, real.tokenizer)
    texts, vectors = loaded.sentences_of(target)
    assert texts[-1] == added
    assert np.allclose(vectors[-1], real.encoder.encode_passages([added])[0], atol=1e-4)
    assert not (tmp_path / "index.tmp").exists() and not (tmp_path / "index.old").exists()


def test_cache_keeps_used_entries_and_at_most_as_many_old_ones() -> None:
    used = {"a": np.zeros(2), "b": np.ones(2)}
    previous = {"x": np.ones(2), "y": np.ones(2), "z": np.ones(2), "a": np.ones(2)}
    merged = merged_entries(used, previous)
    assert set(merged) == {"a", "b", "y", "z"} and np.array_equal(merged["a"], used["a"])


def test_query_vector_is_encoded_once_per_question(policy_corpus) -> None:  # type: ignore[no-untyped-def]
    real = policy_corpus.retriever
    encoder = CountingEncoder(real.encoder)
    retriever = HybridRetriever(
        real.passages,
        real.documents,
        real.sparse,
        real.dense,
        encoder,
        real.tokenizer,
        sentences=real.sentences,
    )
    question = "企业怎样申请信用修复"
    vector = retriever.query_vector(question)
    hits = retriever.search(question, 5, query_vector=vector)
    assert retriever.search(question, 5) == hits
    assert retriever.query_vector(question) is vector and not vector.flags.writeable
    assert encoder.query_texts == [question]
    assert [h.index for h in hits] == [retriever.passage_index(h.passage.passage_id) for h in hits]


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("濮信用〔2020〕3号", "濮信用[2020]3号"),
        ("（国发〔2016〕33号）", "国发[2016]33号"),
        ("豫政办〔2020〕7号", "豫政办[2020]7号"),
        ("豫政办[2020]7号", "豫政办[2020]7号"),
        ("豫政办（2020）7号", "豫政办[2020]7号"),
        ("根据韶府办〔2020〕6号文精神", "韶府办[2020]6号"),
        ("国办发〔2019〕35 号", "国办发[2019]35号"),
        ("统一社会信用代码91410900MA44BC1X2Y。", "91410900ma44bc1x2y"),
        ("依照第十二条第三项", "第十二条"),
        ("依照第十二条第三项", "第三项"),
    ],
)
def test_identifiers_are_whole_tokens(text: str, token: str) -> None:
    assert token in ChineseTokenizer().tokenize(text)


def test_identifier_patterns_are_part_of_the_dictionary_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    tokenizer = ChineseTokenizer()
    before = tokenizer.dictionary_hash
    monkeypatch.setattr(tokenizer_module, "IDENTIFIER_VERSION", "test")
    assert tokenizer.dictionary_hash != before
    assert identifier_tokens(fold("一二三")) == []


@pytest.mark.parametrize("number", ["国发〔2016〕33号", "豫政办〔2020〕7号"])
def test_bm25_ranks_the_passage_citing_a_doc_number_first(policy_corpus, number: str) -> None:  # type: ignore[no-untyped-def]
    hits = policy_corpus.retriever.search(number, 3, method="bm25")
    assert hits and fold(number) in fold(hits[0].passage.text), [h.passage.text[:40] for h in hits]


def test_bm25_prefers_the_exact_doc_number_over_near_misses(policy_corpus) -> None:  # type: ignore[no-untyped-def]
    """濮信用〔2020〕3号 is the Puyang document's own number, which no bundled passage quotes; so it is
    added to the real passages next to near misses that share all its jieba parts."""
    tokenizer = policy_corpus.retriever.tokenizer
    texts = [index_text(p, policy_corpus.documents[p.doc_id]) for p in policy_corpus.passages]
    exact = "按照濮信用〔2020〕3号文件要求开展信用修复。"
    near = [
        "按照濮信用〔2020〕33号文件和2020年3号通知开展工作。",
        "按照濮信用〔2023〕2020号文件3号附件执行。",
    ]
    texts += [*near, exact]
    sparse = SparseIndex.build([tokenizer.tokenize(t) for t in texts])
    scores = sparse.scores(tokenizer.expand_query("濮信用〔2020〕3号"))
    assert int(np.argmax(scores)) == len(texts) - 1
