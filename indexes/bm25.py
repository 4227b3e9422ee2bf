"""BM25 from per-passage term statistics that can grow and shrink without re-indexing the rest.

`TermStats` keeps, for each indexed text, its distinct terms and their counts (rows of a sparse matrix),
its key (so a later build recognises it), and for each term its document frequency. Adding texts appends
rows and adds their terms to the frequencies; dropping texts removes their rows and subtracts theirs. What
depends on the whole corpus — the IDF vector and the average length — is recomputed when scoring starts,
from the counts (`BM25Scorer`), never by tokenizing or counting the other texts again.

The scores are those of bm25s as the project used it (`bm25s.BM25(k1=1.2, b=0.75)`: method and IDF
"lucene"): idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5)) in float32, and per (text, term)
idf · tf / (tf + k1 · (1 - b + b · len / avg_len)) stored as float32; a query adds the columns of its known
tokens (each occurrence, in order) in float32. tests/test_bm25.py compares the two on adds and deletes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

K1, B = 1.2, 0.75
KEY_BYTES = 20


@dataclass(frozen=True, slots=True)
class TermStats:
    """Rows of (term id, count) per text, in CSR form, with the vocabulary and document frequencies."""

    vocab: tuple[str, ...]  # term id → term
    indptr: np.ndarray  # int64 (n + 1): row i's terms are term_ids[indptr[i]:indptr[i + 1]]
    term_ids: np.ndarray  # int32
    counts: np.ndarray  # int32, the term's count in the text
    df: np.ndarray  # int64 (len(vocab)): texts holding each term
    keys: np.ndarray  # uint8 (n, KEY_BYTES): each text's key

    @classmethod
    def empty(cls) -> TermStats:
        zeros = np.zeros(0, dtype="int32")
        return cls(
            (), np.zeros(1, "int64"), zeros, zeros, np.zeros(0, "int64"), np.zeros((0, KEY_BYTES), "uint8")
        )

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def lengths(self) -> np.ndarray:
        """Each text's length in tokens (duplicates counted)."""
        sums = np.add.reduceat(self.counts.astype("int64"), self.indptr[:-1]) if len(self.counts) else None
        lengths = np.zeros(len(self), dtype="int64")
        if sums is not None:
            nonempty = np.diff(self.indptr) > 0
            lengths[nonempty] = sums[nonempty]
        return lengths

    def rows_by_key(self) -> dict[bytes, int]:
        raw = self.keys.tobytes()
        return {raw[i * KEY_BYTES : (i + 1) * KEY_BYTES]: i for i in range(len(self))}

    def append(self, token_lists: Sequence[Sequence[str]], keys: Sequence[bytes]) -> TermStats:
        """These texts added as rows at the end; their terms join the vocabulary and the frequencies."""
        term_id = {term: i for i, term in enumerate(self.vocab)}
        ids: list[int] = []
        counts: list[int] = []
        sizes: list[int] = []
        for tokens in token_lists:
            row: dict[int, int] = {}
            for token in tokens:
                key = term_id.setdefault(token, len(term_id))
                row[key] = row.get(key, 0) + 1
            ids.extend(row)
            counts.extend(row.values())
            sizes.append(len(row))
        new_ids = np.asarray(ids, dtype="int32")
        vocab = (*self.vocab, *list(term_id)[len(self.vocab) :])
        df = np.zeros(len(vocab), dtype="int64")
        df[: len(self.df)] = self.df
        df += np.bincount(new_ids, minlength=len(vocab))
        ends = self.indptr[-1] + np.cumsum(np.asarray(sizes, dtype="int64"))
        new_keys = np.frombuffer(b"".join(keys), dtype="uint8").reshape(len(keys), KEY_BYTES)
        return TermStats(
            vocab,
            np.concatenate([self.indptr, ends]),
            np.concatenate([self.term_ids, new_ids]),
            np.concatenate([self.counts, np.asarray(counts, dtype="int32")]),
            df,
            np.concatenate([self.keys, new_keys]),
        )

    def take(self, rows: np.ndarray) -> TermStats:
        """These rows, in this order. When no row is taken twice the frequencies lose only the dropped
        rows' terms; otherwise they are counted again from the rows."""
        rows = np.asarray(rows, dtype="int64")
        starts, sizes = self.indptr[rows], np.diff(self.indptr)[rows]
        before = np.cumsum(sizes) - sizes
        positions = np.repeat(starts - before, sizes) + np.arange(int(sizes.sum()), dtype="int64")
        term_ids = self.term_ids[positions]
        used = np.bincount(rows, minlength=len(self))
        if used.max(initial=0) <= 1:
            dropped = np.flatnonzero(used == 0)
            dropped_sizes = np.diff(self.indptr)[dropped]
            dropped_before = np.cumsum(dropped_sizes) - dropped_sizes
            at = np.repeat(self.indptr[dropped] - dropped_before, dropped_sizes)
            at += np.arange(int(dropped_sizes.sum()), dtype="int64")
            df = self.df - np.bincount(self.term_ids[at], minlength=len(self.vocab))
        else:
            df = np.bincount(term_ids, minlength=len(self.vocab)).astype("int64")
        indptr = np.concatenate([np.zeros(1, "int64"), np.cumsum(sizes, dtype="int64")])
        return TermStats(self.vocab, indptr, term_ids, self.counts[positions], df, self.keys[rows])


class BM25Scorer:
    """Query scoring over `TermStats`: the IDF vector, the average length and the score matrix (by term) are
    computed once here, from the counts."""

    def __init__(self, stats: TermStats, k1: float = K1, b: float = B) -> None:
        self.size = len(stats)
        self.term_id = {term: i for i, term in enumerate(stats.vocab)}
        lengths = stats.lengths()
        avg = lengths.mean() if len(lengths) else np.float64(1.0)
        df = stats.df.astype("float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            idf = np.where(stats.df > 0, np.log(1 + (self.size - df + 0.5) / (df + 0.5)), 0.0)
        idf32 = idf.astype("float32")
        rows = np.repeat(np.arange(self.size), np.diff(stats.indptr))
        tf = stats.counts.astype("float32")
        norm = k1 * ((1 - b) + b * lengths.astype("float64") / avg)  # per text, as bm25s computes it
        values = (idf32[stats.term_ids] * (tf / (norm[rows] + tf))).astype("float32")
        matrix = sp.csc_matrix((values, (rows, stats.term_ids)), shape=(self.size, len(stats.vocab)))
        self.data, self.indices, self.indptr = matrix.data, matrix.indices, matrix.indptr

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """Every text's score: the query's known tokens' columns added up, each occurrence, in order."""
        scores = np.zeros(self.size, dtype="float32")
        for token in query_tokens:
            column = self.term_id.get(token)
            if column is None:
                continue
            start, end = self.indptr[column], self.indptr[column + 1]
            np.add.at(scores, self.indices[start:end], self.data[start:end])
        return scores
