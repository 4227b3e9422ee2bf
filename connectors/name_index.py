"""A compact membership filter over every stored subject name, for finding names inside a question.

A question of n characters has about 36·n spans that could be a name. Asking the database for each
is too slow and holding a million names as Python strings costs hundreds of MB, so the filter keeps
one 64-bit hash per name in a sorted NumPy array (8 MB per million names). A span that passes the
filter is then confirmed against the database, so a hash collision can never invent a subject.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

MIN_NAME_CHARS = 4
MAX_NAME_CHARS = 40


def name_hash(name: str) -> int:
    """A stable 64-bit hash (the same in every process, unlike `hash()`)."""
    return int.from_bytes(
        hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little", signed=True
    )


@dataclass(frozen=True, slots=True)
class NameIndex:
    hashes: np.ndarray  # sorted int64

    @classmethod
    def build(cls, names: Iterable[str]) -> NameIndex:
        values = np.fromiter((name_hash(n) for n in names), dtype=np.int64)
        return cls(np.unique(values))

    def __len__(self) -> int:
        return int(self.hashes.size)

    def contains(self, candidates: Sequence[str]) -> list[bool]:
        if not candidates or not self.hashes.size:
            return [False] * len(candidates)
        keys = np.fromiter((name_hash(c) for c in candidates), dtype=np.int64, count=len(candidates))
        positions = np.searchsorted(self.hashes, keys).clip(max=self.hashes.size - 1)
        return [bool(found) for found in self.hashes[positions] == keys]


def name_spans(text: str, blocked: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Every span [start, end) of MIN..MAX_NAME_CHARS characters with no space, punctuation or blocked part."""
    spans = []
    run_end = list(range(len(text) + 1))  # run_end[i]: end of the run of name characters starting at i
    for i in range(len(text) - 1, -1, -1):
        if _name_char(text[i]):
            run_end[i] = run_end[i + 1]
    for start in range(len(text)):
        if not _name_char(text[start]):
            continue
        for end in range(start + MIN_NAME_CHARS, min(run_end[start], start + MAX_NAME_CHARS) + 1):
            if any(start < b_end and b_start < end for b_start, b_end in blocked):
                break
            spans.append((start, end))
    return spans


def _name_char(ch: str) -> bool:
    return ch.isalnum() or ch in "（）()·-"
