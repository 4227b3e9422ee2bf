"""Sentences of every passage with their vectors, computed at index time.

The table (pure) lists each passage's sentences in one flat tuple with per-passage offsets; the
index pairs it with one row of the vector matrix per sentence. On disk: `sentences.npz` (the passages'
sentence offsets, and the texts as one UTF-8 byte string with each text's byte offsets, so the next build
copies the byte ranges of unchanged documents instead of encoding their texts again) and
`sentence_vectors.npy` (float32, memory-mapped on load). Versions before wrote `sentences.json`; it is still read.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from corpus.chunking import split_sentences
from corpus.models import Passage
from indexes.npz_store import load_arrays, save_arrays

SENTENCES_FILE = "sentences.npz"
LEGACY_SENTENCES_FILE = "sentences.json"
SENTENCE_VECTORS_FILE = "sentence_vectors.npy"


def passage_sentences(text: str) -> list[str]:
    """The sentences of a passage text: line breaks removed, stripped, empty ones dropped (short ones kept)."""
    stripped = (s.strip() for s in split_sentences(text.replace("\n", "")))
    return [s for s in stripped if s]


@dataclass(frozen=True, slots=True)
class SentenceTable:
    """All sentences in passage order; passage i owns texts[offsets[i]:offsets[i + 1]]."""

    texts: tuple[str, ...]
    offsets: tuple[int, ...]  # len(passages) + 1 entries, starting at 0

    @classmethod
    def from_passages(cls, passages: Sequence[Passage]) -> SentenceTable:
        texts: list[str] = []
        offsets = [0]
        for passage in passages:
            texts.extend(passage_sentences(passage.text))
            offsets.append(len(texts))
        return cls(tuple(texts), tuple(offsets))

    def __post_init__(self) -> None:
        ok = bool(self.offsets) and self.offsets[0] == 0 and self.offsets[-1] == len(self.texts)
        if not ok or any(a > b for a, b in zip(self.offsets, self.offsets[1:], strict=False)):
            raise ValueError("sentence offsets do not partition the sentence list")

    @property
    def passages(self) -> int:
        return len(self.offsets) - 1

    def span(self, passage_index: int) -> tuple[int, int]:
        if not 0 <= passage_index < self.passages:
            raise IndexError(f"passage index out of range: {passage_index}")
        return self.offsets[passage_index], self.offsets[passage_index + 1]

    def of(self, passage_index: int) -> list[str]:
        start, end = self.span(passage_index)
        return list(self.texts[start:end])

    def to_json(self) -> dict[str, list]:
        return {"offsets": list(self.offsets), "texts": list(self.texts)}

    @classmethod
    def from_json(cls, data: dict) -> SentenceTable:
        return cls(tuple(str(t) for t in data["texts"]), tuple(int(o) for o in data["offsets"]))


@dataclass(frozen=True, slots=True)
class SentenceIndex:
    """The sentence table and its L2-normalised vectors, one row per sentence."""

    table: SentenceTable
    vectors: np.ndarray

    def __post_init__(self) -> None:
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.table.texts):
            raise ValueError(
                f"{len(self.table.texts)} sentences but a vector matrix of shape {self.vectors.shape}"
            )

    @property
    def size(self) -> int:
        return len(self.table.texts)

    def of(self, passage_index: int) -> tuple[list[str], np.ndarray]:
        start, end = self.table.span(passage_index)
        return list(self.table.texts[start:end]), self.vectors[start:end]


@dataclass(frozen=True, slots=True)
class EncodedSentences:
    """A sentence table as arrays: what `sentences.npz` holds, and what a build splices by document."""

    offsets: np.ndarray  # int64 (passages + 1): passage i owns sentences offsets[i]:offsets[i + 1]
    text: np.ndarray  # uint8: every sentence's UTF-8, concatenated
    text_offsets: np.ndarray  # int64 (sentences + 1): sentence j is text[text_offsets[j]:text_offsets[j + 1]]

    @classmethod
    def of(cls, table: SentenceTable) -> EncodedSentences:
        encoded = [t.encode("utf-8") for t in table.texts]
        bounds = np.cumsum([0, *(len(b) for b in encoded)], dtype="int64")
        text = np.frombuffer(b"".join(encoded), dtype="uint8")
        return cls(np.asarray(table.offsets, dtype="int64"), text, bounds)

    def table(self) -> SentenceTable:
        raw, bounds = self.text.tobytes(), self.text_offsets.tolist()
        texts = tuple(raw[a:b].decode("utf-8") for a, b in pairwise(bounds))
        return SentenceTable(texts, tuple(self.offsets.tolist()))


# File I/O.


def sentence_vectors_path(folder: Path) -> Path:
    return folder / SENTENCE_VECTORS_FILE


def save_encoded_sentences(folder: Path, encoded: EncodedSentences) -> None:
    save_arrays(
        folder / SENTENCES_FILE,
        offsets=encoded.offsets,
        text=encoded.text,
        text_offsets=encoded.text_offsets,
    )


def read_encoded_sentences(folder: Path) -> EncodedSentences | None:
    """The sentence table of a version as arrays; None when it has none in this form (or it is unreadable)."""
    arrays = load_arrays(folder / SENTENCES_FILE, ("offsets", "text", "text_offsets"))
    if arrays is None:
        return None
    encoded = EncodedSentences(arrays["offsets"], arrays["text"], arrays["text_offsets"])
    ok = (
        len(encoded.offsets) >= 1
        and len(encoded.text_offsets) == int(encoded.offsets[-1]) + 1
        and int(encoded.text_offsets[-1]) == len(encoded.text)
    )
    return encoded if ok else None


def save_sentence_table(folder: Path, table: SentenceTable) -> None:
    save_encoded_sentences(folder, EncodedSentences.of(table))


def save_sentences(folder: Path, index: SentenceIndex) -> None:
    save_sentence_table(folder, index.table)
    np.save(sentence_vectors_path(folder), np.ascontiguousarray(index.vectors, dtype="float32"))


def read_sentence_table(folder: Path) -> SentenceTable:
    encoded = read_encoded_sentences(folder)
    if encoded is not None:
        return encoded.table()
    if (folder / LEGACY_SENTENCES_FILE).exists():
        return SentenceTable.from_json(json.loads((folder / LEGACY_SENTENCES_FILE).read_text("utf-8")))
    raise ValueError(f"no readable sentence table in {folder}")


def load_sentences(folder: Path) -> SentenceIndex:
    table = read_sentence_table(folder)
    path = folder / SENTENCE_VECTORS_FILE
    # An empty matrix cannot be memory-mapped; it costs nothing to read.
    vectors = np.load(path, mmap_mode="r") if table.texts else np.load(path)
    return SentenceIndex(table, vectors)
