"""An append-only, sharded store of vectors by 20-byte key: the embedding cache's files.

    <folder>/<shard>.vectors.npy   float32 (n, dim), memory-mapped when read
    <folder>/<shard>.keys.npy      S20 (n,): the shard's keys, row for row; written last (temp file +
                                   os.replace), so a shard exists once its keys file does

Adding texts writes one new shard of their vectors (megabytes for a document), never rewriting the others;
the keys files together are the index of what is stored (20 bytes a vector, ≈ 1 % of the vectors). Shard
names sort by creation time. A shard whose files are missing, unreadable or disagree is ignored (its texts
count as missing and are embedded again); `compact` rewrites the store as one shard, optionally keeping only
the keys asked for, and removes what no longer belongs.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

KEY_BYTES = 20
KEYS_SUFFIX = ".keys.npy"
VECTORS_SUFFIX = ".vectors.npy"
KEY_DTYPE = f"S{KEY_BYTES}"


def as_keys(keys: Sequence[bytes] | np.ndarray) -> np.ndarray:
    return np.asarray(keys, dtype=KEY_DTYPE)


def prefix64(keys: np.ndarray) -> np.ndarray:
    """The first 8 bytes of each key as an unsigned integer (what the index sorts and searches by)."""
    raw = np.frombuffer(np.ascontiguousarray(keys, dtype=KEY_DTYPE).tobytes(), dtype="uint8")
    return np.ascontiguousarray(raw.reshape(-1, KEY_BYTES)[:, :8]).view("<u8").ravel()


@dataclass(frozen=True, slots=True)
class Shard:
    name: str
    keys: np.ndarray  # S20 (n,)
    vectors: np.ndarray  # float32 (n, dim), memory-mapped


@dataclass(frozen=True, slots=True)
class Located:
    """Where each asked key is stored: shard number and row, -1 for a key no shard holds."""

    shard: np.ndarray  # int32
    row: np.ndarray  # int64

    @property
    def missing(self) -> np.ndarray:
        return self.shard < 0

    def part(self, start: int, stop: int) -> Located:
        return Located(self.shard[start:stop], self.row[start:stop])


class VectorShards:
    """The shards of one folder, read once at construction (`refresh` reads them again)."""

    def __init__(self, folder: Path, dim: int) -> None:
        self.folder = folder
        self.dim = dim
        self.shards: list[Shard] = []
        self._sorted_keys = np.zeros(0, dtype=KEY_DTYPE)
        self._sorted_prefix = np.zeros(0, dtype="uint64")
        self._sorted_shard = np.zeros(0, dtype="int32")
        self._sorted_row = np.zeros(0, dtype="int64")
        self.refresh()

    # ---- reading ----

    def refresh(self) -> None:
        self.shards = [
            s for s in (read_shard(self.folder, n, self.dim) for n in shard_names(self.folder)) if s
        ]
        if not self.shards:
            return
        keys = np.concatenate([s.keys for s in self.shards])
        shard = np.concatenate([np.full(len(s.keys), i, dtype="int32") for i, s in enumerate(self.shards)])
        row = np.concatenate([np.arange(len(s.keys), dtype="int64") for s in self.shards])
        # Sorted by the keys' first 8 bytes (an integer sort, far faster than one of 20-byte strings); among
        # equal keys the newest shard first (a stable sort in reverse shard order).
        order = np.argsort(prefix64(keys)[::-1], kind="stable")
        back = len(keys) - 1 - order
        self._sorted_keys, self._sorted_shard, self._sorted_row = keys[back], shard[back], row[back]
        self._sorted_prefix = prefix64(self._sorted_keys)

    def __len__(self) -> int:
        return sum(len(s.keys) for s in self.shards)

    def locate(self, keys: np.ndarray) -> Located:
        keys = as_keys(keys)
        shard = np.full(len(keys), -1, dtype="int32")
        row = np.full(len(keys), -1, dtype="int64")
        if not len(self._sorted_keys) or not len(keys):
            return Located(shard, row)
        wanted = prefix64(keys)
        order = np.argsort(wanted, kind="stable")  # sorted needles: each search starts where the last ended
        at = np.empty(len(keys), dtype="int64")
        at[order] = np.searchsorted(self._sorted_prefix, wanted[order])
        at = np.minimum(at, len(self._sorted_keys) - 1)
        found = self._sorted_keys[at] == keys
        # Two keys sharing their first 8 bytes (about one pair in 10^7 at two million keys): look along the run.
        for i in np.nonzero(~found & (self._sorted_prefix[at] == wanted))[0].tolist():
            j = int(at[i])
            while j < len(self._sorted_keys) and self._sorted_prefix[j] == wanted[i]:
                if self._sorted_keys[j] == keys[i]:
                    at[i], found[i] = j, True
                    break
                j += 1
        shard[found] = self._sorted_shard[at[found]]
        row[found] = self._sorted_row[at[found]]
        return Located(shard, row)

    def gather_into(self, located: Located, out: np.ndarray, start: int = 0, stop: int | None = None) -> None:
        """Copy the vectors of asked keys [start:stop] into `out` (rows in order), one shard at a time."""
        stop = len(located.shard) if stop is None else stop
        shard, row = located.shard[start:stop], located.row[start:stop]
        if np.any(shard < 0):
            raise KeyError("some keys are not stored")
        for number in np.unique(shard):
            where = np.nonzero(shard == number)[0]
            out[where] = self.shards[int(number)].vectors[row[where]]

    def gather(self, located: Located) -> np.ndarray:
        out = np.empty((len(located.shard), self.dim), dtype="float32")
        self.gather_into(located, out)
        return out

    def chunks(self, located: Located, size: int = 65_536) -> Iterator[np.ndarray]:
        """The asked vectors, `size` rows at a time (never all of them in memory at once)."""
        for start in range(0, len(located.shard), size):
            stop = min(start + size, len(located.shard))
            out = np.empty((stop - start, self.dim), dtype="float32")
            self.gather_into(located, out, start, stop)
            yield out

    # ---- writing ----

    def append(self, keys: np.ndarray, vectors: np.ndarray) -> str | None:
        """Write one new shard (vectors first, keys last); the shard's name, or None for nothing to write."""
        keys = as_keys(keys)
        vectors = np.ascontiguousarray(vectors, dtype="float32")
        if vectors.shape != (len(keys), self.dim):
            raise ValueError(f"{len(keys)} keys but vectors of shape {vectors.shape}")
        if not len(keys):
            return None
        name = new_shard_name()
        write_shard(self.folder, name, keys, vectors)
        self.shards.append(Shard(name, keys, vectors))
        self._index_new(len(self.shards) - 1)
        return name

    def _index_new(self, number: int) -> None:
        shard = self.shards[number]
        keys = np.concatenate([shard.keys, self._sorted_keys])  # the new shard first: it wins on equal keys
        order = np.argsort(prefix64(keys), kind="stable")
        self._sorted_keys = keys[order]
        self._sorted_prefix = prefix64(self._sorted_keys)
        self._sorted_shard = np.concatenate([np.full(len(shard.keys), number, "int32"), self._sorted_shard])[
            order
        ]
        self._sorted_row = np.concatenate([np.arange(len(shard.keys), dtype="int64"), self._sorted_row])[
            order
        ]

    def compact(self, keep: np.ndarray | None = None) -> tuple[int, int]:
        """Rewrite every stored vector (or only those of `keep`) as one shard, then delete the old shards and
        any stray file. Returns (vectors kept, vectors dropped)."""
        before = len(self)
        unique_keys = np.unique(self._sorted_keys)
        wanted = unique_keys if keep is None else np.intersect1d(unique_keys, as_keys(keep))
        located = self.locate(wanted)
        vectors = self.gather(located)
        old = {p for p in self.folder.iterdir() if p.is_file()} if self.folder.is_dir() else set()
        name = self.append(wanted, vectors) if len(wanted) else None
        for path in old:
            if name is None or not path.name.startswith(name):
                path.unlink(missing_ok=True)
        self.refresh()
        return len(wanted), before - len(wanted)


# File I/O.


def new_shard_name() -> str:
    return f"s{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(3)}"


def shard_names(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name[: -len(KEYS_SUFFIX)] for p in folder.glob("*" + KEYS_SUFFIX))


def read_shard(folder: Path, name: str, dim: int) -> Shard | None:
    """One shard, its vectors memory-mapped; None when missing, unreadable or inconsistent."""
    try:
        keys = np.load(folder / f"{name}{KEYS_SUFFIX}", allow_pickle=False)
        vectors = np.load(folder / f"{name}{VECTORS_SUFFIX}", mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if keys.dtype != np.dtype(KEY_DTYPE) or keys.ndim != 1:
        return None
    if vectors.dtype != np.dtype("float32") or vectors.shape != (len(keys), dim):
        return None
    return Shard(name, keys, vectors)


def _save_npy(path: Path, array: np.ndarray) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        np.save(handle, array)
    os.replace(tmp, path)


def write_shard(folder: Path, name: str, keys: np.ndarray, vectors: np.ndarray) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _save_npy(folder / f"{name}{VECTORS_SUFFIX}", vectors)
    _save_npy(folder / f"{name}{KEYS_SUFFIX}", keys)  # the commit: a shard exists once this file does
