"""Evaluation metrics as pure functions over per-question results."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from corpus import fold


def contains_gold(text: str, gold_quotes: Sequence[str]) -> bool:
    key = fold(text)
    return any(fold(g) in key for g in gold_quotes if g)


def first_hit_rank(passages: Sequence[str], gold_quotes: Sequence[str]) -> int | None:
    return next((i for i, text in enumerate(passages, 1) if contains_gold(text, gold_quotes)), None)


def retrieval_metrics(ranks: Sequence[int | None], ks: Sequence[int] = (1, 5, 10)) -> dict[str, float]:
    n = len(ranks)
    if n == 0:
        return {}
    out = {f"recall@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in ks}
    out["mrr@10"] = sum(1 / r for r in ranks if r is not None and r <= 10) / n
    return out


def must_include_coverage(answer: str, must_include: Sequence[str]) -> float | None:
    if not must_include:
        return None
    key = fold(answer)
    return sum(fold(m) in key for m in must_include) / len(must_include)


def refusal_scores(pairs: Iterable[tuple[bool, bool]]) -> dict[str, float | None]:
    """pairs of (should_refuse, refused) → precision, recall, accuracy."""
    items = list(pairs)
    tp = sum(s and r for s, r in items)
    fp = sum(r and not s for s, r in items)
    fn = sum(s and not r for s, r in items)
    return {
        "refusal_precision": tp / (tp + fp) if tp + fp else None,
        "refusal_recall": tp / (tp + fn) if tp + fn else None,
        "refusal_accuracy": sum(s == r for s, r in items) / len(items) if items else None,
    }


def confusion(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for gold, predicted in pairs:
        table[gold][predicted] += 1
    return {gold: dict(row) for gold, row in sorted(table.items())}


def percentiles(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {}
    array = np.asarray(values)
    return {
        "p50": float(np.percentile(array, 50)),
        "p95": float(np.percentile(array, 95)),
        "mean": float(array.mean()),
    }


def mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
