"""Index folders: bm25/ + dense.faiss + manifest.json. A manifest mismatch raises IndexStale."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from corpus.models import DocumentMeta, Passage
from indexes.dense import DenseIndex
from indexes.encoders import Encoder
from indexes.hybrid import HybridRetriever, index_text
from indexes.sparse import SparseIndex
from indexes.tokenizer import ChineseTokenizer

INDEX_FORMAT = "1"


class StaleIndexError(Exception):
    """The index on disk was built from another corpus, encoder or dictionary."""


def corpus_hash(passages: Sequence[Passage]) -> str:
    digest = hashlib.sha256()
    for p in passages:
        digest.update(f"{p.passage_id}\x00{p.section_label}\x00{p.text}\x01".encode())
    return digest.hexdigest()[:24]


def expected_manifest(passages: Sequence[Passage], encoder: Encoder, tokenizer: ChineseTokenizer) -> dict:
    return {
        "format": INDEX_FORMAT,
        "corpus_hash": corpus_hash(passages),
        "encoder": encoder.name,
        "encoder_version": encoder.version,
        "dim": encoder.dim,
        "dictionary_hash": tokenizer.dictionary_hash,
        "passages": len(passages),
    }


def embed(encoder: Encoder, texts: list[str], batch_size: int = 32, progress: bool = True) -> np.ndarray:
    batches = [texts[i : i + batch_size] for i in range(0, len(texts), batch_size)]
    vectors = [
        encoder.encode_passages(b) for b in tqdm(batches, desc="向量化段落", unit="批", disable=not progress)
    ]
    return np.vstack(vectors) if vectors else np.zeros((0, encoder.dim), dtype="float32")


def build_index(
    folder: Path,
    passages: Sequence[Passage],
    documents: dict[str, DocumentMeta],
    encoder: Encoder,
    tokenizer: ChineseTokenizer,
    batch_size: int = 32,
    progress: bool = True,
) -> dict:
    """Build both indexes and write them with their manifest; returns the manifest."""
    texts = [index_text(p, documents[p.doc_id]) for p in passages]
    sparse = SparseIndex.build([tokenizer.tokenize(t) for t in texts])
    dense = DenseIndex.build(embed(encoder, texts, batch_size, progress))
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    sparse.save(tmp / "bm25")
    dense.save(tmp / "dense.faiss")
    manifest = {
        **expected_manifest(passages, encoder, tokenizer),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return manifest


def read_manifest(folder: Path) -> dict:
    path = folder / "manifest.json"
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
    **options: int,
) -> HybridRetriever:
    check_manifest(folder, passages, encoder, tokenizer)
    sparse = SparseIndex.load(folder / "bm25", len(passages))
    dense = DenseIndex.load(folder / "dense.faiss")
    return HybridRetriever(passages, documents, sparse, dense, encoder, tokenizer, **options)


def open_index(
    folder: Path,
    passages: Sequence[Passage],
    documents: dict[str, DocumentMeta],
    encoder: Encoder,
    tokenizer: ChineseTokenizer,
    rebuild: bool = True,
    progress: bool = True,
    **options: int,
) -> HybridRetriever:
    """Load the index; when missing or stale, rebuild it (or raise StaleIndexError if rebuild=False)."""
    try:
        return load_index(folder, passages, documents, encoder, tokenizer, **options)
    except StaleIndexError:
        if not rebuild:
            raise
    build_index(folder, passages, documents, encoder, tokenizer, progress=progress)
    return load_index(folder, passages, documents, encoder, tokenizer, **options)
