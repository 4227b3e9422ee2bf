"""What an index version derives per document, as arrays the next build splices by document.

A build sees the corpus as documents (`DocumentSource`: metadata, a content key — the corpus store's shard name,
itself a hash of the document's passages — and a way to read its passages). A version records, per document, a
key (`part_key`: the content key and the locality label its index texts carry), its number of passages and its
digest (the corpus hash is the hash of the documents' digests), and per passage and per sentence the embedding
cache's key of its text; beside them the sentence table as bytes (indexes/sentences.py). The next build finds
each unchanged document of the version before by key and takes its rows as ranges (`splice`); only the other
documents are read, split into sentences and hashed (`derive`). The rows of one derived document are a
`DocumentRows` of one document, so carried and derived documents are spliced alike.

Bump `DERIVATION` whenever what is derived from a document changes (index texts, sentence splitting, the
digest): versions written before are then not carried over.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from corpus.models import DocumentMeta, Passage
from indexes.hybrid import index_text
from indexes.npz_store import load_arrays, save_arrays
from indexes.sentences import EncodedSentences, SentenceTable

PARTS_FILE = "parts.npz"
DERIVATION = "1"
KEY_DTYPE, DIGEST_DTYPE = "S20", "S32"


def document_digest(passages: Iterable[Passage]) -> bytes:
    digest = hashlib.sha256()
    for p in passages:
        digest.update(f"{p.passage_id}\x00{p.section_label}\x00{p.text}\x01".encode())
    return digest.digest()


def raw_items(array: np.ndarray) -> list[bytes]:
    """Each item of a fixed-width bytes array exactly (`tolist` would drop trailing zero bytes)."""
    width = array.dtype.itemsize
    raw = np.ascontiguousarray(array).tobytes()
    return [raw[i : i + width] for i in range(0, len(raw), width)]


def combine_digests(digests: Iterable[bytes]) -> str:
    return hashlib.sha256(b"".join(digests)).hexdigest()[:24]


def document_runs(passages: Sequence[Passage]) -> list[tuple[Passage, ...]]:
    """The passages cut where the document changes (a document's passages stand together)."""
    runs: list[list[Passage]] = []
    for passage in passages:
        if not runs or runs[-1][-1].doc_id != passage.doc_id:
            runs.append([])
        runs[-1].append(passage)
    return [tuple(run) for run in runs]


def corpus_hash(passages: Sequence[Passage]) -> str:
    """The hash of the documents' digests, in order (what a build computes from the digests it carries)."""
    return combine_digests(document_digest(run) for run in document_runs(passages))


def part_key(content: str, meta: DocumentMeta) -> bytes:
    return hashlib.sha1(f"{DERIVATION}\x00{content}\x00{meta.locality.label}".encode()).digest()


@dataclass(frozen=True, slots=True)
class DocumentSource:
    """One document to index: its metadata, what identifies its passages, and how to read them."""

    meta: DocumentMeta
    content: str
    read: Callable[[], Sequence[Passage]]

    @property
    def key(self) -> bytes:
        return part_key(self.content, self.meta)


def sources_from_passages(
    passages: Sequence[Passage], documents: dict[str, DocumentMeta]
) -> list[DocumentSource]:
    """Documents of a passage list, each keyed by the digest of its passages."""
    return [
        DocumentSource(documents[run[0].doc_id], document_digest(run).hex(), partial(tuple, run))
        for run in document_runs(passages)
    ]


@dataclass(frozen=True, slots=True)
class DerivedDocument:
    """What a build derives from one document it could not carry over: its texts to index."""

    source: DocumentSource
    digest: bytes
    index_texts: list[str]
    sentences: SentenceTable


def derive(source: DocumentSource) -> DerivedDocument:
    passages = source.read()
    texts = [index_text(p, source.meta) for p in passages]
    return DerivedDocument(source, document_digest(passages), texts, SentenceTable.from_passages(passages))


@dataclass(frozen=True, slots=True)
class DocumentRows:
    """Per-document rows of a version (or of one derived document), in corpus order."""

    keys: np.ndarray  # S20 (d,): each document's part key
    passages: np.ndarray  # int64 (d,): its number of passages
    digests: np.ndarray  # S32 (d,)
    passage_keys: np.ndarray  # S20 (p,): the embedding cache's key of each passage's index text
    sentence_keys: np.ndarray  # S20 (s,): … of each sentence
    sentences: EncodedSentences

    @classmethod
    def of(cls, derived: DerivedDocument, passage_keys: np.ndarray, sentence_keys: np.ndarray) -> DocumentRows:
        return cls(
            np.asarray([derived.source.key], dtype=KEY_DTYPE),
            np.asarray([len(derived.index_texts)], dtype="int64"),
            np.asarray([derived.digest], dtype=DIGEST_DTYPE),
            np.asarray(passage_keys, dtype=KEY_DTYPE),
            np.asarray(sentence_keys, dtype=KEY_DTYPE),
            EncodedSentences.of(derived.sentences),
        )

    def passage_bounds(self) -> np.ndarray:
        return np.concatenate([np.zeros(1, "int64"), np.cumsum(self.passages, dtype="int64")])

    def spans(self, first: int, stop: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """The passages and sentences of documents [first, stop)."""
        bounds = self.passage_bounds()
        p0, p1 = int(bounds[first]), int(bounds[stop])
        offsets = self.sentences.offsets
        return (p0, p1), (int(offsets[p0]), int(offsets[p1]))

    def corpus_hash(self) -> str:
        counts = self.passages.tolist()
        return combine_digests(d for d, n in zip(raw_items(self.digests), counts, strict=True) if n)

    def consistent(self) -> bool:
        return (
            len(self.keys) == len(self.passages) == len(self.digests)
            and len(self.sentences.offsets) == int(self.passages.sum()) + 1 == len(self.passage_keys) + 1
            and len(self.sentence_keys) == int(self.sentences.offsets[-1])
        )


@dataclass(frozen=True, slots=True)
class Piece:
    """Documents [first, stop) of `rows` (the version before's, or one derived document's)."""

    rows: DocumentRows
    first: int
    stop: int


def plan_pieces(previous: DocumentRows | None, sources: Sequence[DocumentSource]) -> list[Piece | DocumentSource]:
    """The new corpus in order: runs of the version before's documents found by key, and documents to derive."""
    where = {k: i for i, k in enumerate(raw_items(previous.keys))} if previous is not None else {}
    plan: list[Piece | DocumentSource] = []
    for source in sources:
        at = where.pop(source.key, None)
        if at is None or previous is None:
            plan.append(source)
            continue
        last = plan[-1] if plan else None
        if isinstance(last, Piece) and last.stop == at:
            plan[-1] = Piece(previous, last.first, at + 1)
        else:
            plan.append(Piece(previous, at, at + 1))
    return plan


def splice(pieces: Sequence[Piece]) -> DocumentRows:
    """The rows of the pieces, one after the other (offsets rebased)."""
    docs, passages, sentences, text_bytes = [], [], [], []
    for piece in pieces:
        rows = piece.rows
        (p0, p1), (s0, s1) = rows.spans(piece.first, piece.stop)
        docs.append(slice(piece.first, piece.stop))
        passages.append(slice(p0, p1))
        sentences.append(slice(s0, s1))
        bounds = rows.sentences.text_offsets
        text_bytes.append(slice(int(bounds[s0]), int(bounds[s1])))

    def join(field: Callable[[DocumentRows], np.ndarray], spans: list[slice], dtype: str) -> np.ndarray:
        parts = [field(piece.rows)[span] for piece, span in zip(pieces, spans, strict=True)]
        return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)

    counts = join(lambda r: np.diff(r.sentences.offsets), passages, "int64")
    lengths = join(lambda r: np.diff(r.sentences.text_offsets), sentences, "int64")
    encoded = EncodedSentences(
        np.concatenate([np.zeros(1, "int64"), np.cumsum(counts, dtype="int64")]),
        join(lambda r: r.sentences.text, text_bytes, "uint8"),
        np.concatenate([np.zeros(1, "int64"), np.cumsum(lengths, dtype="int64")]),
    )
    return DocumentRows(
        join(lambda r: r.keys, docs, KEY_DTYPE),
        join(lambda r: r.passages, docs, "int64"),
        join(lambda r: r.digests, docs, DIGEST_DTYPE),
        join(lambda r: r.passage_keys, passages, KEY_DTYPE),
        join(lambda r: r.sentence_keys, sentences, KEY_DTYPE),
        encoded,
    )


def previous_rows(pieces: Sequence[Piece], previous: DocumentRows | None) -> np.ndarray:
    """Each new passage's row in the version before (the pieces taken from it), -1 for a derived one's."""
    found = []
    for piece in pieces:
        (p0, p1), _ = piece.rows.spans(piece.first, piece.stop)
        carried = previous is not None and piece.rows is previous
        found.append(np.arange(p0, p1, dtype="int64") if carried else np.full(p1 - p0, -1, "int64"))
    return np.concatenate(found) if found else np.zeros(0, "int64")


# File I/O.


def save_parts(folder: Path, rows: DocumentRows) -> None:
    """The per-document arrays (parts.npz); the sentence table is saved on its own (sentences.npz)."""
    save_arrays(
        folder / PARTS_FILE,
        keys=rows.keys,
        passages=rows.passages,
        digests=rows.digests,
        passage_keys=rows.passage_keys,
        sentence_keys=rows.sentence_keys,
        derivation=np.array(DERIVATION),
    )


def read_parts(folder: Path, sentences: EncodedSentences) -> DocumentRows | None:
    """A version's per-document rows; None when absent, unreadable, of another derivation or inconsistent."""
    names = ("keys", "passages", "digests", "passage_keys", "sentence_keys", "derivation")
    arrays = load_arrays(folder / PARTS_FILE, names)
    if arrays is None or str(arrays["derivation"]) != DERIVATION:
        return None
    rows = DocumentRows(
        arrays["keys"],
        arrays["passages"],
        arrays["digests"],
        arrays["passage_keys"],
        arrays["sentence_keys"],
        sentences,
    )
    return rows if rows.consistent() else None
