"""Index folders: bm25/ + dense.faiss + sentences + manifest.json. A manifest mismatch raises StaleIndexError.

`build_index` writes a new version under the index root and publishes it (indexes/versions.py); loading a
root reads the version its pointer names. Vectors and BM25 token lists come through content-addressed caches
beside the index root (indexes/embedding_cache.py, indexes/token_cache.py), so a rebuild after adding,
changing or removing one document embeds and tokenizes only that document's new texts. The BM25 statistics
of the published version are carried over row by row and only the new texts' rows added (indexes/sparse_build.py);
the faiss matrix and the sentence table are rebuilt whole from the cache (no model, no jieba involved).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from corpus.models import DocumentMeta, Passage
from indexes.dense import DenseIndex
from indexes.embedders import Embedder, LocalEmbedder, fill_cache
from indexes.embedding_cache import open_cache, text_keys
from indexes.encoders import Encoder
from indexes.hybrid import HybridRetriever, index_text
from indexes.sentences import SentenceTable, load_sentences, save_sentence_table, sentence_vectors_path
from indexes.sparse import SparseIndex
from indexes.sparse_build import plan_sparse
from indexes.tokenizer import ChineseTokenizer
from indexes.versions import POINTER, current_version, discard, new_version, publish

INDEX_FORMAT = "2"  # 2: sentences.json + sentence_vectors.npy


class StaleIndexError(Exception):
    """The index on disk was built from another corpus, encoder or dictionary."""


def corpus_hash(passages: Sequence[Passage]) -> str:
    digest = hashlib.sha256()
    for p in passages:
        digest.update(f"{p.passage_id}\x00{p.section_label}\x00{p.text}\x01".encode())
    return digest.hexdigest()[:24]


def expected_manifest(
    passages: Sequence[Passage],
    encoder: Encoder,
    tokenizer: ChineseTokenizer,
    sentences: SentenceTable | None = None,
) -> dict:
    sentences = sentences or SentenceTable.from_passages(passages)
    return {
        "format": INDEX_FORMAT,
        "corpus_hash": corpus_hash(passages),
        "encoder": encoder.name,
        "encoder_version": encoder.version,
        "dim": encoder.dim,
        "dictionary_hash": tokenizer.dictionary_hash,
        "passages": len(passages),
        "sentences": len(sentences.texts),
    }


def build_index(
    folder: Path,
    passages: Sequence[Passage],
    documents: dict[str, DocumentMeta],
    encoder: Encoder,
    tokenizer: ChineseTokenizer,
    batch_size: int = 32,
    progress: bool = True,
    snapshot: Callable[[Path], None] | None = None,
    embedder: Embedder | None = None,
    flush_every: int = 2048,
) -> dict:
    """Build the indexes into a new version under the root `folder`, then publish it; returns the manifest.

    Passage texts and sentences are embedded together, each distinct text once, and only when the
    embedding cache does not hold it yet — by `embedder` (default: `encoder` in this process), whose
    results are appended to the cache as they arrive, so a killed build resumes where it stopped. Likewise
    passage texts are tokenized for BM25 only when the token cache does not hold them. Both caches only
    grow by a shard of what is new. The faiss matrix and the sentence vectors are copied from the cache's
    memory-mapped shards a chunk at a time. BM25 takes the published version's term statistics for the texts
    it indexed and tokenizes only the others. `snapshot` may add files to the version before it is published.
    """
    watch = Stopwatch()
    texts = [index_text(p, documents[p.doc_id]) for p in passages]
    table = SentenceTable.from_passages(passages)
    all_texts = [*texts, *table.texts]
    watch.lap("texts")
    keys = text_keys(encoder, all_texts)
    watch.lap("keys")
    cache = open_cache(folder, encoder)
    watch.lap("cache_read")
    embedder = embedder or LocalEmbedder(encoder, batch_size, progress)
    embedded = fill_cache(cache, keys, all_texts, embedder, flush_every)
    located = cache.locate(keys)
    watch.lap("embedding")
    plan = plan_sparse(folder, tokenizer, texts)
    watch.lap("tokens")
    sparse = plan.assemble()
    watch.lap("bm25")
    version, target = new_version(folder)
    try:
        sparse.save(target / "bm25")
        watch.lap("bm25_save")
        dense = DenseIndex.build_from_chunks(encoder.dim, cache.chunks(located.part(0, len(texts))))
        dense.save(target / "dense.faiss")
        del dense
        watch.lap("faiss")
        save_sentence_table(target, table)
        write_rows(
            sentence_vectors_path(target),
            (len(table.texts), encoder.dim),
            cache.chunks(located.part(len(texts), len(all_texts))),
        )
        watch.lap("sentences")
        if snapshot is not None:
            snapshot(target)
        watch.lap("snapshot")
        manifest = {
            **expected_manifest(passages, encoder, tokenizer, table),
            "version": version,
            "embedded": embedded,
            "tokenized": plan.tokenized.tokenized,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        watch.lap("manifest")
        manifest["seconds"] = watch.seconds  # where the build's time went, phase by phase
        manifest["cpu_seconds"] = watch.cpu_seconds
        (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
        publish(folder, version)
    except BaseException:
        discard(folder, version)
        raise
    return manifest


class Stopwatch:
    """Wall seconds and this process's CPU seconds per phase, each lap measured from the previous one (on a
    machine shared with other work the CPU seconds say what a phase costs; the wall seconds what it took)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu_seconds: dict[str, float] = {}
        self._last, self._last_cpu = time.perf_counter(), time.process_time()

    def lap(self, phase: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.seconds[phase] = round(now - self._last, 4)
        self.cpu_seconds[phase] = round(cpu - self._last_cpu, 4)
        self._last, self._last_cpu = now, cpu


def write_rows(path: Path, shape: tuple[int, int], chunks: Iterable[np.ndarray]) -> None:
    """A float32 .npy file written chunk by chunk through a memory map (never the whole matrix in memory)."""
    if not shape[0]:  # an empty file cannot be memory-mapped
        np.save(path, np.zeros(shape, dtype="float32"))
        return
    out = np.lib.format.open_memmap(path, mode="w+", dtype="float32", shape=shape)
    start = 0
    for chunk in chunks:
        out[start : start + len(chunk)] = chunk
        start += len(chunk)
    out.flush()
    del out


def resolve(folder: Path) -> Path:
    """An index root → the version folder its pointer names; a version folder (or anything else) as is."""
    if (folder / POINTER).exists():
        version = current_version(folder)
        return folder / version if version else folder
    return folder


def read_manifest(folder: Path) -> dict:
    path = resolve(folder) / "manifest.json"
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


def check_manifest(
    folder: Path, passages: Sequence[Passage], encoder: Encoder, tokenizer: ChineseTokenizer
) -> None:
    found = read_manifest(folder)
    if not found:
        raise StaleIndexError(f"no index at {folder}")
    expected = expected_manifest(passages, encoder, tokenizer)
    differing = [key for key, value in expected.items() if found.get(key) != value]
    if differing:
        raise StaleIndexError("index manifest disagrees on: " + ", ".join(differing))


def load_index(
    folder: Path,
    passages: Sequence[Passage],
    documents: dict[str, DocumentMeta],
    encoder: Encoder,
    tokenizer: ChineseTokenizer,
    **options: Any,
) -> HybridRetriever:
    folder = resolve(folder)
    check_manifest(folder, passages, encoder, tokenizer)
    try:
        sparse = SparseIndex.load(folder / "bm25", len(passages))
        dense = DenseIndex.load(folder / "dense.faiss")
        sentences = load_sentences(folder)
    except (OSError, RuntimeError, ValueError, KeyError) as error:
        raise StaleIndexError(f"index at {folder} is incomplete: {error}") from error
    if dense.size != len(passages) or sentences.table.passages != len(passages):
        raise StaleIndexError(f"index at {folder} does not match the passages")
    return HybridRetriever(
        passages, documents, sparse, dense, encoder, tokenizer, sentences=sentences, **options
    )


def open_index(
    folder: Path,
    passages: Sequence[Passage],
    documents: dict[str, DocumentMeta],
    encoder: Encoder,
    tokenizer: ChineseTokenizer,
    rebuild: bool = True,
    progress: bool = True,
    **options: Any,
) -> HybridRetriever:
    """Load the index; when missing or stale, rebuild it (or raise StaleIndexError if rebuild=False)."""
    try:
        return load_index(folder, passages, documents, encoder, tokenizer, **options)
    except StaleIndexError:
        if not rebuild:
            raise
    build_index(folder, passages, documents, encoder, tokenizer, progress=progress)
    return load_index(folder, passages, documents, encoder, tokenizer, **options)
