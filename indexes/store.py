"""Index folders: bm25/ + dense.faiss + sentences + parts.npz + manifest.json. A manifest mismatch raises
StaleIndexError.

`build_index` / `build_from_sources` write a new version under the index root and publish it
(indexes/versions.py); loading a root reads the version its pointer names. A build carries every document the
published version indexed unchanged over as ranges of that version's files (indexes/parts.py,
indexes/carry.py: keys, BM25 rows, faiss and sentence vectors, sentence texts), so adding, changing or removing
one document reads, hashes, tokenizes and embeds that document only. Vectors and BM25 token lists of the
documents it derives come through content-addressed caches beside the index root (indexes/embedding_cache.py,
indexes/token_cache.py); the BM25 statistics take the version before's row of any text it indexed
(indexes/sparse_build.py). The result equals a build from scratch.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from corpus.models import DocumentMeta, Passage
from indexes import token_cache
from indexes.carry import PreviousVersion, read_previous, vector_chunks, write_sentence_vectors
from indexes.dense import DenseIndex
from indexes.embedders import Embedder, LocalEmbedder, fill_cache
from indexes.embedding_cache import open_cache, text_keys
from indexes.encoders import Encoder
from indexes.hybrid import HybridRetriever
from indexes.parts import (
    DerivedDocument,
    DocumentRows,
    DocumentSource,
    Piece,
    corpus_hash,
    derive,
    plan_pieces,
    previous_rows,
    save_parts,
    sources_from_passages,
    splice,
)
from indexes.sentences import SentenceTable, load_sentences, save_encoded_sentences, sentence_vectors_path
from indexes.sparse import SparseIndex
from indexes.sparse_build import plan_rows, previous_stats
from indexes.tokenizer import ChineseTokenizer
from indexes.versions import POINTER, current_version, discard, new_version, publish

INDEX_FORMAT = "3"  # 2: sentences.json + sentence_vectors.npy; 3: sentences.npz, parts.npz, corpus hash by document


class StaleIndexError(Exception):
    """The index on disk was built from another corpus, encoder or dictionary."""


def expected_manifest(
    passages: Sequence[Passage],
    encoder: Encoder,
    tokenizer: ChineseTokenizer,
    sentences: SentenceTable | None = None,
) -> dict:
    sentences = sentences or SentenceTable.from_passages(passages)
    return {
        **carry_expectations(encoder),
        "corpus_hash": corpus_hash(passages),
        "dictionary_hash": tokenizer.dictionary_hash,
        "passages": len(passages),
        "sentences": len(sentences.texts),
    }


def carry_expectations(encoder: Encoder) -> dict:
    """What a version must share with a build for the build to carry its rows over."""
    return {
        "format": INDEX_FORMAT,
        "encoder": encoder.name,
        "encoder_version": encoder.version,
        "dim": encoder.dim,
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
    """`build_from_sources` for a list of passages (each document keyed by the digest of its passages)."""
    sources = sources_from_passages(passages, documents)
    embedder = embedder or LocalEmbedder(encoder, batch_size, progress)
    return build_from_sources(folder, sources, encoder, tokenizer, embedder, snapshot, flush_every)


def build_from_sources(
    folder: Path,
    sources: Sequence[DocumentSource],
    encoder: Encoder,
    tokenizer: ChineseTokenizer,
    embedder: Embedder,
    snapshot: Callable[[Path], None] | None = None,
    flush_every: int = 2048,
) -> dict:
    """Build the indexes of `sources` into a new version under the root `folder`, publish it; the manifest.

    The documents the published version indexed (same key: content and locality label) are carried over as
    ranges of its files (indexes/parts.py, indexes/carry.py): their passages are not read, their texts not
    hashed, tokenized or embedded. Only the other documents are read and derived; their distinct texts are
    embedded when the embedding cache lacks them — by `embedder`, whose results are appended to the cache as
    they arrive, so a killed build resumes where it stopped — and their passage texts tokenized for BM25 when
    the version before has no row of the same text. The result equals a build from scratch. `snapshot` may
    add files to the version before it is published.
    """
    watch = Stopwatch()
    tag = token_cache.tokenizer_tag(tokenizer.identity)
    previous = read_previous(folder, carry_expectations(encoder), tag)
    watch.lap("carry_read")
    plan = plan_pieces(previous.rows if previous else None, sources)
    derived = [derive(item) for item in plan if isinstance(item, DocumentSource)]
    watch.lap("texts")
    fresh = iter(derived)
    pieces = [item if isinstance(item, Piece) else fresh_piece(next(fresh), encoder) for item in plan]
    rows = splice(pieces)
    watch.lap("keys")
    cache = open_cache(folder, encoder)
    watch.lap("cache_read")
    fresh_keys = [k for p in pieces if not carried(p, previous) for k in (p.rows.passage_keys, p.rows.sentence_keys)]
    fresh_texts = [t for d in derived for t in (*d.index_texts, *d.sentences.texts)]
    keys = np.concatenate(fresh_keys) if fresh_keys else np.zeros(0, "S20")
    embedded = fill_cache(cache, keys, fresh_texts, embedder, flush_every)
    watch.lap("embedding")
    stats = previous.stats if previous else previous_stats(folder, tag)
    texts = derived_texts(pieces, derived, previous)
    plan_bm25 = plan_rows(folder, tokenizer, stats, previous_rows(pieces, previous.rows if previous else None), texts)
    watch.lap("tokens")
    sparse = plan_bm25.assemble()
    watch.lap("bm25")
    version, target = new_version(folder)
    try:
        sparse.save(target / "bm25")
        watch.lap("bm25_save")
        dense = DenseIndex.build_from_chunks(encoder.dim, vector_chunks(pieces, previous, cache, "passages"))
        dense.save(target / "dense.faiss")
        del dense
        watch.lap("faiss")
        save_encoded_sentences(target, rows.sentences)
        save_parts(target, rows)
        shape = (len(rows.sentence_keys), encoder.dim)
        write_sentence_vectors(sentence_vectors_path(target), shape, pieces, previous, cache)
        watch.lap("sentences")
        if snapshot is not None:
            snapshot(target)
        watch.lap("snapshot")
        manifest = {
            **carry_expectations(encoder),
            "corpus_hash": rows.corpus_hash(),
            "dictionary_hash": tokenizer.dictionary_hash,
            "passages": len(rows.passage_keys),
            "sentences": len(rows.sentence_keys),
            "version": version,
            "embedded": embedded,
            "tokenized": plan_bm25.tokenized.tokenized,
            "carried_documents": len(sources) - len(derived),
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


def fresh_piece(document: DerivedDocument, encoder: Encoder) -> Piece:
    passage_keys = text_keys(encoder, document.index_texts)
    sentence_keys = text_keys(encoder, document.sentences.texts)
    return Piece(DocumentRows.of(document, passage_keys, sentence_keys), 0, 1)


def carried(piece: Piece, previous: PreviousVersion | None) -> bool:
    return previous is not None and piece.rows is previous.rows


def derived_texts(
    pieces: Sequence[Piece], derived: Sequence[DerivedDocument], previous: PreviousVersion | None
) -> dict[int, str]:
    """The derived documents' index texts by their passage's position in the new version."""
    texts: dict[int, str] = {}
    documents = iter(derived)
    at = 0
    for piece in pieces:
        (p0, p1), _ = piece.rows.spans(piece.first, piece.stop)
        if not carried(piece, previous):
            texts.update(enumerate(next(documents).index_texts, start=at))
        at += p1 - p0
    return texts


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
