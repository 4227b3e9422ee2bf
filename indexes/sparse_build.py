"""A build's BM25: the published version's term statistics carried over, only new texts tokenized and added.

Each row of a version's statistics carries its text's key (the token cache's key: tokenizer identity + text),
so the next build finds every passage text it indexed before by key, takes those rows as they are, tokenizes
the texts it lacks and appends their rows (indexes/bm25.py). Without a usable version before (none, a bm25s
one, another tokenizer) every text's tokens come through the token cache, as a first build's do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexes import token_cache
from indexes.bm25 import KEY_BYTES, TermStats
from indexes.sparse import SparseIndex, with_empty
from indexes.tokenizer import ChineseTokenizer
from indexes.versions import current_version


@dataclass(frozen=True, slots=True)
class SparsePlan:
    """What a build takes over and what it tokenizes (the tokens phase), before the rows are assembled."""

    tag: str
    missing_keys: list[bytes]  # the keys of the texts without a row, in order
    previous: TermStats
    found: np.ndarray  # int64 per text: its row in `previous`, or -1
    tokenized: token_cache.Tokenized  # the texts without a row, in order

    def assemble(self) -> SparseIndex:
        """The new statistics: rows found, in text order, with the new texts' rows in their places."""
        missing = np.flatnonzero(self.found < 0)
        pool = self.previous.append(with_empty(self.tokenized.token_lists), self.missing_keys)
        order = self.found.copy()
        order[missing] = len(self.previous) + np.arange(len(missing))
        return SparseIndex(pool.take(order), self.tag)


def previous_stats(root: Path, tag: str) -> TermStats | None:
    """The published version's statistics, when it has some and they were built with this tokenizer."""
    version = current_version(root) if root.is_dir() else None
    if version is None:
        return None
    loaded = SparseIndex.read_stats(root / version / "bm25")
    return loaded[0] if loaded is not None and loaded[1] == tag else None


def rows_of(previous: TermStats, keys: Sequence[bytes]) -> np.ndarray:
    """Each key's row in `previous` (-1 when absent), by sorting the keys as fixed-size byte strings."""
    if not len(previous) or not keys:
        return np.full(len(keys), -1, dtype="int64")
    old = np.ascontiguousarray(previous.keys).view(f"V{KEY_BYTES}").ravel()
    new = np.frombuffer(b"".join(keys), dtype=f"V{KEY_BYTES}")
    order = np.argsort(old, kind="stable")
    at = np.minimum(np.searchsorted(old[order], new), len(old) - 1)
    return np.where(old[order][at] == new, order[at], -1).astype("int64")


def plan_sparse(root: Path, tokenizer: ChineseTokenizer, texts: Sequence[str]) -> SparsePlan:
    """Every text by key: rows of the published version found, the others tokenized (through the cache)."""
    previous = previous_stats(root, token_cache.tokenizer_tag(tokenizer.identity))
    return plan_rows(root, tokenizer, previous, np.full(len(texts), -1, "int64"), dict(enumerate(texts)))


def plan_rows(
    root: Path,
    tokenizer: ChineseTokenizer,
    previous: TermStats | None,
    carried: np.ndarray,
    texts: Mapping[int, str],
) -> SparsePlan:
    """`carried`: each text's row in `previous` where the build already knows it (documents carried over),
    else -1; those texts are in `texts` (by position) and are looked up by key, the rest tokenized."""
    identity = tokenizer.identity
    tag = token_cache.tokenizer_tag(identity)
    cache = token_cache.cache_path(root, tokenizer)
    positions = list(texts)
    keys = {i: token_cache.text_key(identity, texts[i]) for i in positions}
    if previous is None:  # nothing to take rows from: every text through the token cache
        tokenized = token_cache.tokenize_with_cache(cache, tokenizer, [texts[i] for i in positions])
        found = np.full(len(carried), -1, dtype="int64")
        return SparsePlan(tag, [keys[i] for i in positions], TermStats.empty(), found, tokenized)
    found = np.asarray(carried, dtype="int64").copy()
    found[positions] = rows_of(previous, [keys[i] for i in positions])
    missing = np.flatnonzero(found < 0).tolist()
    tokenized = token_cache.tokenize_and_append(cache, tokenizer, [texts[i] for i in missing])
    return SparsePlan(tag, [keys[i] for i in missing], previous, found, tokenized)
