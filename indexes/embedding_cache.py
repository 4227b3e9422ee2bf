"""Content-addressed cache of passage embeddings, so a rebuild embeds only texts it has not seen.

Key: sha1 of encoder name, encoder version and the exact text. The index build keeps one sharded,
append-only store per encoder in the folder that holds the index folder
(`<parent>/embedding_cache/<encoder tag>/`, indexes/vector_shards.py): a build appends a shard with the
vectors it had to compute, so adding a document writes megabytes, not the whole cache; `compact_cache`
rewrites it. A single-file form (`read_cache` / `write_cache`, one .npz) remains for small side caches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from indexes.encoders import Encoder
from indexes.npz_store import load_arrays, save_arrays
from indexes.vector_shards import VectorShards, as_keys

CACHE_DIR = "embedding_cache"


def text_key(encoder: Encoder, text: str) -> str:
    return hashlib.sha1(f"{encoder.name}\x00{encoder.version}\x00{text}".encode()).hexdigest()


def text_keys(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    """The raw 20-byte keys of `texts` (the digests `text_key` spells in hex), as an S20 array."""
    prefix = f"{encoder.name}\x00{encoder.version}\x00"
    return as_keys([hashlib.sha1(f"{prefix}{t}".encode()).digest() for t in texts])


def encoder_tag(encoder: Encoder) -> str:
    return hashlib.sha1(f"{encoder.name}\x00{encoder.version}\x00{encoder.dim}".encode()).hexdigest()[:16]


def cache_path(index_folder: Path, encoder: Encoder) -> Path:
    """The single-file cache of the layout before sharding (read once to seed the shards)."""
    return index_folder.parent / CACHE_DIR / f"{encoder_tag(encoder)}.npz"


def shards_path(index_folder: Path, encoder: Encoder) -> Path:
    return index_folder.parent / CACHE_DIR / encoder_tag(encoder)


def open_cache(index_folder: Path, encoder: Encoder) -> VectorShards:
    """The sharded cache of `encoder` beside `index_folder`; a single-file cache of the layout before
    becomes its first shard (and is removed)."""
    shards = VectorShards(shards_path(index_folder, encoder), encoder.dim)
    legacy = cache_path(index_folder, encoder)
    if legacy.exists():
        entries = read_cache(legacy, encoder)
        if entries:
            keys = as_keys([bytes.fromhex(k) for k in entries])
            shards.append(keys, np.stack(list(entries.values())))
        legacy.unlink()
    return shards


def embed(
    encoder: Encoder,
    texts: Sequence[str],
    batch_size: int = 32,
    progress: bool = True,
    desc: str = "向量化段落",
) -> np.ndarray:
    """Embed texts in batches (encode_passages), with a tqdm progress bar; rows follow `texts`."""
    batches = [list(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]
    vectors = [encoder.encode_passages(b) for b in tqdm(batches, desc=desc, unit="批", disable=not progress)]
    return np.vstack(vectors).astype("float32") if vectors else np.zeros((0, encoder.dim), dtype="float32")


@dataclass(frozen=True, slots=True)
class Embedded:
    """Vectors for the requested texts, the cache entries they used, and how many were newly encoded."""

    vectors: np.ndarray
    entries: dict[str, np.ndarray]
    encoded: int


def cached_embed(
    encoder: Encoder,
    texts: Sequence[str],
    cache: Mapping[str, np.ndarray],
    batch_size: int = 32,
    progress: bool = True,
) -> Embedded:
    """Vectors of `texts` (rows in order); only distinct texts missing from `cache` go to the encoder."""
    keys = [text_key(encoder, t) for t in texts]
    missing = dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in cache)
    # Similar lengths batch together (less padding); the encoder's vectors do not depend on the batch.
    todo = sorted(missing, key=len)
    fresh = embed(encoder, todo, batch_size, progress, desc="向量化段落与句子")
    entries = {text_key(encoder, t): v for t, v in zip(todo, fresh, strict=True)}
    entries.update({k: np.asarray(cache[k], dtype="float32") for k in keys if k not in entries})
    if not texts:
        return Embedded(np.zeros((0, encoder.dim), dtype="float32"), entries, 0)
    return Embedded(np.stack([entries[k] for k in keys]).astype("float32"), entries, len(todo))


def merged_entries(
    used: Mapping[str, np.ndarray], previous: Mapping[str, np.ndarray], keep_unused: int | None = None
) -> dict[str, np.ndarray]:
    """What to keep: every entry used now, plus up to `keep_unused` older ones (default: as many as used)."""
    limit = len(used) if keep_unused is None else keep_unused
    unused = [k for k in previous if k not in used][-limit:] if limit > 0 else []
    return {**{k: previous[k] for k in unused}, **used}


# File I/O.


def read_cache(path: Path, encoder: Encoder) -> dict[str, np.ndarray]:
    """The cached vectors by key; {} when the file is missing, unreadable (truncated too) or of another
    dimension."""
    arrays = load_arrays(path, ("keys", "vectors"))
    if arrays is None:
        return {}
    keys, vectors = arrays["keys"], arrays["vectors"]
    if vectors.ndim != 2 or vectors.shape[1] != encoder.dim or len(keys) != len(vectors):
        return {}
    return {str(k): v for k, v in zip(keys, vectors.astype("float32"), strict=True)}


def write_cache(path: Path, entries: Mapping[str, np.ndarray], encoder: Encoder) -> None:
    keys = np.array(list(entries), dtype="U40")
    vectors = (
        np.stack(list(entries.values())).astype("float32")
        if entries
        else np.zeros((0, encoder.dim), dtype="float32")
    )
    save_arrays(path, keys=keys, vectors=vectors, encoder=np.array([encoder.name, encoder.version]))
