"""Content-addressed cache of BM25 token lists, so a rebuild tokenizes only texts it has not seen.

Key: sha1 of the tokenizer's identity (`ChineseTokenizer.identity`: a code version, jieba's version, the
Unicode data, the token pattern and the hash of the dictionary, stop words, synonyms and identifier
patterns) and the exact text. One folder per identity, beside the embedding cache in the folder that holds
the index folder (`<parent>/token_cache/<tokenizer tag>/`), holding append-only shards: a build writes one
new shard with the texts it had to tokenize (temp file + os.replace), never rewriting the others, and reads
all shards once. A missing, truncated or otherwise unreadable shard counts as empty (its texts are
tokenized again); `compact` rewrites the folder as one shard. A single file `<tokenizer tag>.npz` of the
layout before becomes the first shard.

Format of a shard: an uncompressed .npz, read with `allow_pickle=False` (loading it never runs code):

    keys            uint8 (n, 20)  raw sha1 digests, one row per cached text
    offsets         int64 (n + 1)  text i's tokens are ids[offsets[i]:offsets[i + 1]]
    ids             int32          token ids into the vocabulary
    vocab           uint8          the distinct tokens, concatenated, UTF-8
    vocab_offsets   int64 (v + 1)  token j is the decoded vocab[vocab_offsets[j]:vocab_offsets[j + 1]]
    identity        str            the tokenizer identity it was written under

Each distinct token is stored once and each occurrence as 4 bytes; JSON lines would repeat every token's
UTF-8 with quotes and commas (about 3x larger) and parse into one string object per occurrence, whereas
here an entry decodes with one numpy gather into strings shared by all entries. A rebuild reads every entry
anyway, so an incrementally written store (sqlite) would save only the rewrite, which is a few vectorised
array copies; one numpy file also mirrors the embedding cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np

from indexes.npz_store import load_arrays, save_arrays
from indexes.tokenizer import ChineseTokenizer
from indexes.vector_shards import new_shard_name

CACHE_DIR = "token_cache"
KEY_BYTES = 20  # sha1


def text_key(identity: str, text: str) -> bytes:
    return hashlib.sha1(f"{identity}\x00{text}".encode()).digest()


def tokenizer_tag(identity: str) -> str:
    return hashlib.sha1(identity.encode()).hexdigest()[:16]


def cache_path(index_folder: Path, tokenizer: ChineseTokenizer) -> Path:
    """The folder of this tokenizer's shards."""
    return index_folder.parent / CACHE_DIR / tokenizer_tag(tokenizer.identity)


@dataclass(frozen=True, slots=True)
class TokenCache:
    """Cached token lists in columnar form; `rows` maps a key to its entry."""

    rows: dict[bytes, int]  # in row order
    offsets: np.ndarray  # int64, len(rows) + 1
    ids: np.ndarray  # int32
    vocab: np.ndarray  # object array of str; decoded entries share these strings

    @classmethod
    def empty(cls) -> TokenCache:
        return cls({}, np.zeros(1, dtype="int64"), np.zeros(0, dtype="int32"), np.zeros(0, dtype=object))

    def __len__(self) -> int:
        return len(self.rows)

    def tokens(self, row: int) -> list[str]:
        tokens: list[str] = self.vocab[self.ids[self.offsets[row] : self.offsets[row + 1]]].tolist()
        return tokens


@dataclass(frozen=True, slots=True)
class Tokenized:
    """Token lists of the requested texts (in order), and where they came from."""

    token_lists: list[list[str]]
    reused: list[int] = field(default_factory=list)  # cache rows used, each once
    fresh: dict[bytes, list[str]] = field(default_factory=dict)  # newly tokenized, by key

    @property
    def tokenized(self) -> int:
        """Distinct texts given to the tokenizer."""
        return len(self.fresh)


def cached_tokenize(tokenizer: ChineseTokenizer, texts: Sequence[str], cache: TokenCache) -> Tokenized:
    """Token lists of `texts`; only distinct texts missing from `cache` go to `tokenizer.tokenize`."""
    identity = tokenizer.identity
    token_lists: list[list[str]] = []
    reused: dict[int, None] = {}
    fresh: dict[bytes, list[str]] = {}
    for text in texts:
        key = text_key(identity, text)
        row = cache.rows.get(key)
        if row is not None:
            reused[row] = None
            token_lists.append(cache.tokens(row))
            continue
        if key not in fresh:
            fresh[key] = tokenizer.tokenize(text)
        token_lists.append(list(fresh[key]))
    return Tokenized(token_lists, list(reused), fresh)


def merged(cache: TokenCache, tokenized: Tokenized, keep_unused: int | None = None) -> TokenCache:
    """What to keep: every entry used now, plus up to `keep_unused` older ones (default: as many as used),
    the most recently written ones, like the embedding cache. Kept entries move as id arrays (no decoding);
    tokens that no kept entry uses leave the vocabulary."""
    used = set(tokenized.reused)
    limit = len(used) + len(tokenized.fresh) if keep_unused is None else keep_unused
    stored = sorted(set(cache.rows.values()))
    unused = [row for row in stored if row not in used][-limit:] if limit > 0 else []
    rows = np.asarray(sorted(used.union(unused)), dtype="int64")
    starts, lengths = cache.offsets[rows], np.diff(cache.offsets)[rows]
    # Gather the kept entries' ids in one step: position p of the k-th kept entry reads ids[starts[k] + p].
    before = np.cumsum(lengths) - lengths
    kept_ids = cache.ids[np.repeat(starts - before, lengths) + np.arange(int(lengths.sum()))]

    vocab: list[str] = cache.vocab.tolist()
    token_id = {token: i for i, token in enumerate(vocab)}
    fresh_ids = [token_id.setdefault(t, len(token_id)) for tokens in tokenized.fresh.values() for t in tokens]
    vocab.extend(list(token_id)[len(vocab) :])
    ids = np.concatenate([kept_ids.astype("int64"), np.asarray(fresh_ids, dtype="int64")])
    lengths = np.concatenate([lengths, np.asarray([len(t) for t in tokenized.fresh.values()], dtype="int64")])
    offsets = np.concatenate([np.zeros(1, dtype="int64"), np.cumsum(lengths, dtype="int64")])

    in_use = np.zeros(len(vocab), dtype=bool)
    in_use[ids] = True
    renumber = np.cumsum(in_use) - 1
    key_of_row = {row: key for key, row in cache.rows.items()}  # a shard concat may repeat a key
    keys = [key_of_row[row] for row in rows.tolist()] + list(tokenized.fresh)
    return TokenCache(
        {key: row for row, key in enumerate(keys)},
        offsets,
        renumber[ids].astype("int32"),
        np.asarray(vocab, dtype=object)[in_use],
    )


def concat(caches: Sequence[TokenCache]) -> TokenCache:
    """One cache of several (shards): vocabularies united, ids renumbered; a later shard's key wins."""
    if len(caches) <= 1:
        return caches[0] if caches else TokenCache.empty()
    token_id: dict[str, int] = {}
    ids: list[np.ndarray] = []
    lengths: list[np.ndarray] = []
    keys: list[bytes] = []
    for cache in caches:
        mapping = np.asarray([token_id.setdefault(t, len(token_id)) for t in cache.vocab.tolist()], "int64")
        ids.append(mapping[cache.ids] if len(cache.ids) else np.zeros(0, dtype="int64"))
        lengths.append(np.diff(cache.offsets))
        keys.extend(cache.rows)
    offsets = np.concatenate([np.zeros(1, dtype="int64"), np.cumsum(np.concatenate(lengths), dtype="int64")])
    return TokenCache(
        {key: row for row, key in enumerate(keys)},
        offsets,
        np.concatenate(ids).astype("int32"),
        np.asarray(list(token_id), dtype=object),
    )


def fresh_only(tokenized: Tokenized) -> TokenCache:
    """The newly tokenized entries alone, as a cache (what a build appends as its shard)."""
    return merged(TokenCache.empty(), Tokenized([], [], tokenized.fresh), keep_unused=0)


# File I/O.


def shard_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.npz")) if folder.is_dir() else []


def read_shards(folder: Path, tokenizer: ChineseTokenizer) -> TokenCache:
    """Every readable shard of the folder (and a single-file cache of the layout before), as one cache."""
    legacy = folder.with_name(folder.name + ".npz")
    files = ([legacy] if legacy.is_file() else []) + shard_files(folder)
    return concat([c for c in (read_cache(f, tokenizer) for f in files) if len(c)])


def append_shard(folder: Path, cache: TokenCache, tokenizer: ChineseTokenizer) -> Path | None:
    """Write `cache` as a new shard of the folder; its path (None when there is nothing to write)."""
    if not len(cache):
        return None
    path = folder / f"{new_shard_name()}.npz"
    write_cache(path, cache, tokenizer)
    return path


def tokenize_with_cache(folder: Path, tokenizer: ChineseTokenizer, texts: Sequence[str]) -> Tokenized:
    """Token lists of `texts`, tokenizing only what the shards lack, and appending that as one shard."""
    tokenized = cached_tokenize(tokenizer, texts, read_shards(folder, tokenizer))
    append_shard(folder, fresh_only(tokenized), tokenizer)
    return tokenized


def tokenize_and_append(folder: Path, tokenizer: ChineseTokenizer, texts: Sequence[str]) -> Tokenized:
    """Token lists of `texts` from the tokenizer itself, appended as one shard without reading the others
    (for a build that takes every other text's terms from the index before: a few new texts need no cache
    read; a text already cached is stored again, and `concat` lets the later shard win)."""
    tokenized = cached_tokenize(tokenizer, texts, TokenCache.empty())
    append_shard(folder, fresh_only(tokenized), tokenizer)
    return tokenized


def compact(folder: Path, tokenizer: ChineseTokenizer, keep: Sequence[str] | None = None) -> tuple[int, int]:
    """Rewrite the shards as one, keeping every entry or only those of the texts `keep`; then delete the old
    shards, unreadable ones and a single file of the layout before. Returns (entries kept, dropped)."""
    cache = read_shards(folder, tokenizer)
    rows = sorted(set(cache.rows.values()))  # each key once (a later shard's row)
    if keep is not None:
        identity = tokenizer.identity
        wanted = {text_key(identity, t) for t in keep}
        rows = [row for key, row in cache.rows.items() if key in wanted]
    kept = merged(cache, Tokenized([], rows, {}), keep_unused=0)
    old = [*shard_files(folder), folder.with_name(folder.name + ".npz")]
    written = append_shard(folder, kept, tokenizer)
    for path in old:
        if path != written:
            path.unlink(missing_ok=True)
    for stray in folder.glob("*.tmp") if folder.is_dir() else []:
        stray.unlink(missing_ok=True)
    return len(kept), len(cache) - len(kept)


def read_cache(path: Path, tokenizer: ChineseTokenizer) -> TokenCache:
    """One shard's token lists; empty when the file is missing, unreadable, inconsistent or of another identity."""
    arrays = load_arrays(path, ("keys", "offsets", "ids", "vocab", "vocab_offsets", "identity"))
    if arrays is None:
        return TokenCache.empty()
    try:
        return _decoded(arrays, tokenizer.identity)
    except (ValueError, IndexError):  # UnicodeDecodeError is a ValueError
        return TokenCache.empty()


def _decoded(arrays: dict[str, np.ndarray], identity: str) -> TokenCache:
    keys, offsets, ids = arrays["keys"], arrays["offsets"], arrays["ids"]
    vocab_offsets = arrays["vocab_offsets"]
    if str(arrays["identity"]) != identity or keys.ndim != 2 or keys.shape[1] != KEY_BYTES:
        raise ValueError("token cache of another tokenizer or shape")
    for bounds, size in ((offsets, len(ids)), (vocab_offsets, None)):
        if bounds.ndim != 1 or len(bounds) == 0 or bounds[0] != 0 or np.any(np.diff(bounds) < 0):
            raise ValueError("token cache offsets are not monotonic")
        if size is not None and bounds[-1] != size:
            raise ValueError("token cache offsets do not cover the ids")
    vocab_text = arrays["vocab"].astype("uint8").tobytes().decode("utf-8")
    if len(offsets) != len(keys) + 1 or vocab_offsets[-1] != len(vocab_text):
        raise ValueError("token cache arrays disagree")
    bounds = vocab_offsets.tolist()
    vocab = np.asarray([vocab_text[a:b] for a, b in pairwise(bounds)], dtype=object)
    if len(ids) and (int(ids.min()) < 0 or int(ids.max()) >= len(vocab)):
        raise ValueError("token ids outside the vocabulary")
    raw = keys.astype("uint8").tobytes()
    rows = {raw[i * KEY_BYTES : (i + 1) * KEY_BYTES]: i for i in range(len(keys))}
    if len(rows) != len(keys):
        raise ValueError("duplicate keys in the token cache")
    return TokenCache(rows, offsets.astype("int64"), ids.astype("int32"), vocab)


def write_cache(path: Path, cache: TokenCache, tokenizer: ChineseTokenizer) -> None:
    keys = np.frombuffer(b"".join(cache.rows), dtype="uint8").reshape(len(cache.rows), KEY_BYTES)
    tokens = [str(t) for t in cache.vocab]
    vocab_offsets = np.concatenate([[0], np.cumsum([len(t) for t in tokens], dtype="int64")]).astype("int64")
    save_arrays(
        path,
        keys=keys,
        offsets=cache.offsets,
        ids=cache.ids,
        vocab=np.frombuffer("".join(tokens).encode("utf-8"), dtype="uint8"),
        vocab_offsets=vocab_offsets,
        identity=np.array(tokenizer.identity),
    )
