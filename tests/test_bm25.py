"""Oracle: the incremental BM25 (indexes/bm25.py) scores exactly like bm25s from scratch, after adds and deletes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import bm25s
import numpy as np
import pytest

from corpus import ParsedDocument
from indexes import ChineseTokenizer, build_index, index_text, load_index
from indexes.bm25 import TermStats
from indexes.sparse import EMPTY_DOCUMENT, SparseIndex, with_empty

QUERIES = ["信用修复", "失信被执行人 名单", "行政处罚 信息 公示 期限", "联合惩戒 措施", "不存在的词语"]


def key(text: str) -> bytes:
    return hashlib.sha1(text.encode()).digest()


def bm25s_scores(token_lists: list[list[str]], query: list[str]) -> np.ndarray:
    """The implementation before: bm25s with the project's parameters, indexed from scratch."""
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index(with_empty(token_lists), show_progress=False)
    return np.asarray(retriever.get_scores(query), dtype="float32")


@pytest.fixture(scope="module")
def texts(corpus_docs: dict[str, ParsedDocument]) -> list[str]:
    texts = [p.text for d in corpus_docs.values() for p in d.passages][:120]
    return [*texts, ""]  # the last one without tokens


@pytest.fixture(scope="module")
def tokens(texts: list[str]) -> list[list[str]]:
    tokenizer = ChineseTokenizer()
    return [tokenizer.tokenize(t) for t in texts]


def query_lists() -> list[list[str]]:
    tokenizer = ChineseTokenizer()
    return [tokenizer.expand_query(q) for q in QUERIES] + [["信用", "信用", "修复"], [EMPTY_DOCUMENT]]


def assert_same(index: SparseIndex, token_lists: list[list[str]]) -> None:
    for query in query_lists():
        expected = bm25s_scores(token_lists, query) if query else np.zeros(len(token_lists), "float32")
        np.testing.assert_allclose(index.scores(query), expected, rtol=1e-6, atol=1e-7)
    oracle = bm25s.BM25(k1=1.2, b=0.75)
    oracle.index(with_empty(token_lists), show_progress=False)
    per_column = np.diff(oracle.scores["indptr"])
    expected_df = {
        t: int(per_column[c])
        for t, c in oracle.vocab_dict.items()
        if c < len(per_column) and per_column[c] > 0 and t != EMPTY_DOCUMENT
    }
    assert index.document_frequencies() == expected_df


def test_built_at_once_scores_like_bm25s(tokens: list[list[str]]) -> None:
    assert_same(SparseIndex.build(tokens), tokens)


def test_adds_and_deletes_score_like_a_fresh_bm25s(texts: list[str], tokens: list[list[str]]) -> None:
    stats = TermStats.empty().append(with_empty(tokens[:60]), [key(t) for t in texts[:60]])
    stats = stats.append(with_empty(tokens[60:]), [key(t) for t in texts[60:]])  # an added document
    assert_same(SparseIndex(stats), tokens)
    kept = [i for i in range(len(tokens)) if not 20 <= i < 45]  # a deleted document
    stats = stats.take(np.asarray(kept))
    assert_same(SparseIndex(stats), [tokens[i] for i in kept])
    order = kept[::-1]  # reordered, then one more added in the middle
    stats = stats.take(np.asarray([kept.index(i) for i in order])).append([tokens[30]], [key(texts[30])])
    assert_same(SparseIndex(stats), [tokens[i] for i in order] + [tokens[30]])


def test_a_row_taken_twice_counts_twice(texts: list[str], tokens: list[list[str]]) -> None:
    stats = TermStats.empty().append(with_empty(tokens[:10]), [key(t) for t in texts[:10]])
    rows = [0, 1, 1, 5, 9, 9]
    assert_same(SparseIndex(stats.take(np.asarray(rows))), [tokens[i] for i in rows])


def test_saved_and_loaded(tmp_path: Path, texts: list[str], tokens: list[list[str]]) -> None:
    index = SparseIndex.build(tokens, [key(t) for t in texts], tokenizer_tag="tag")
    index.save(tmp_path / "bm25")
    loaded = SparseIndex.load(tmp_path / "bm25", len(tokens))
    assert loaded.tokenizer_tag == "tag" and loaded.stats.vocab == index.stats.vocab
    assert loaded.stats.rows_by_key() == index.stats.rows_by_key()
    assert_same(loaded, tokens)
    with pytest.raises(ValueError):
        SparseIndex.load(tmp_path / "bm25", len(tokens) + 1)


def test_a_bm25s_folder_of_the_layout_before_is_still_served(tmp_path: Path, tokens: list[list[str]]) -> None:
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index(with_empty(tokens), show_progress=False)
    retriever.save(str(tmp_path / "bm25"))
    assert_same(SparseIndex.load(tmp_path / "bm25", len(tokens)), tokens)


def test_index_builds_carry_the_statistics_over(
    tmp_path: Path, corpus_docs: dict[str, ParsedDocument]
) -> None:
    """A build after adding, then removing a document takes the other passages' rows from the version before,
    and serves the same scores and frequencies as BM25 built from scratch on every passage's tokens."""
    from tests.test_token_cache import CountingTokenizer, HashEncoder

    tokenizer = CountingTokenizer()
    folder = tmp_path / "index"
    first, second, *rest = corpus_docs.values()
    for step, docs in enumerate(([first, *rest], [first, *rest, second], [*rest, second])):
        passages = [p for d in docs for p in d.passages]
        documents = {d.meta.doc_id: d.meta for d in docs}
        tokenizer.texts.clear()
        manifest = build_index(folder, passages, documents, HashEncoder(), tokenizer, progress=False)
        retriever = load_index(folder, passages, documents, HashEncoder(), tokenizer)
        texts = [index_text(p, documents[p.doc_id]) for p in passages]
        direct = [ChineseTokenizer.tokenize(tokenizer, t) for t in texts]
        fresh = SparseIndex.build(direct)
        for query in query_lists():
            assert np.array_equal(retriever.sparse.scores(query), fresh.scores(query))
            np.testing.assert_allclose(retriever.sparse.scores(query), bm25s_scores(direct, query), rtol=1e-6)
        assert retriever.sparse.document_frequencies() == fresh.document_frequencies()
        if step == 1:  # only the added document's texts went to the tokenizer
            assert set(tokenizer.texts) == {index_text(p, second.meta) for p in second.passages}
        elif step == 2:  # a document removed: nothing to tokenize
            assert tokenizer.texts == [] and manifest["tokenized"] == 0
