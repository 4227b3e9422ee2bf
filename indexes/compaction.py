"""Compaction of the append-only caches (a separate command, never part of a build).

Builds only append shards; compaction rewrites each cache as one shard, keeping the entries of the given
corpus (or every entry with `keep_all`), and deletes the old shards, damaged ones and stray temporary files.
Run it under the build lock, when no build is writing (the CLI takes the lock).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus.models import DocumentMeta, Passage
from indexes import token_cache
from indexes.embedding_cache import open_cache, text_keys
from indexes.encoders import Encoder
from indexes.hybrid import index_text
from indexes.sentences import SentenceTable
from indexes.tokenizer import ChineseTokenizer


@dataclass(frozen=True, slots=True)
class Compacted:
    vectors_kept: int
    vectors_dropped: int
    token_lists_kept: int
    token_lists_dropped: int


def compact_caches(
    folder: Path,
    passages: Sequence[Passage],
    documents: dict[str, DocumentMeta],
    encoder: Encoder,
    tokenizer: ChineseTokenizer,
    keep_all: bool = False,
) -> Compacted:
    """Compact both caches beside the index root `folder` (see the module docstring)."""
    texts = [index_text(p, documents[p.doc_id]) for p in passages]
    sentences = SentenceTable.from_passages(passages).texts
    keys = None if keep_all else text_keys(encoder, [*texts, *sentences])
    vectors = open_cache(folder, encoder).compact(keys)
    tokens = token_cache.compact(
        token_cache.cache_path(folder, tokenizer), tokenizer, None if keep_all else texts
    )
    return Compacted(*vectors, *tokens)
