"""Evaluation metrics as pure functions over per-question results."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

import numpy as np

from corpus import fold
from evals.results import EvalRun, QAResult, RouteResult, TurnResult


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


# ---- split-aware scores over per-question results (tune | check | all) ----

SPLIT_NAMES = ("tune", "check", "all")
SUBJECT_ROUTES = ("subject_status", "repair_steps", "applicable_measures")
QA_TYPES = (
    "procedure",
    "fact",
    "list",
    "deadline_or_number",
    "who_is_responsible",
    "doc_meta",
    "compare_localities",
    "multi_part",
    "unanswerable",
)


class _HasSplit(Protocol):
    split: str


SplitT = TypeVar("SplitT", bound=_HasSplit)
Score = TypeVar("Score")


def in_split(results: Sequence[SplitT], split: str) -> list[SplitT]:
    """Split "all" is every result (with or without a split); "tune"/"check" only the items so marked."""
    return list(results) if split == "all" else [r for r in results if r.split == split]


def per_split(results: Sequence[SplitT], score: Callable[[list[SplitT]], Score]) -> dict[str, Score]:
    return {split: score(in_split(results, split)) for split in SPLIT_NAMES}


def rate(flags: Iterable[bool]) -> float | None:
    return mean(float(flag) for flag in flags)


def strict_pass(result: QAResult) -> bool:
    """Answerable: every must_include term present and not refused; unanswerable: refused."""
    if result.unanswerable:
        return result.refused
    return not result.refused and (result.must_include is None or result.must_include >= 1.0)


LEAD_CHARS = 150  # the answer's lead: what a reader sees before scrolling


def answer_lead_hit(result: QAResult, lead_chars: int = LEAD_CHARS) -> bool:
    """Are all expected terms of an answered question within the first `lead_chars` characters?"""
    if result.refused:
        return False
    lead = fold(result.answer[:lead_chars])
    return all(fold(term) in lead for term in result.expected)


def median_length(texts: Iterable[str]) -> float | None:
    lengths = [len(t) for t in texts]
    return float(np.median(lengths)) if lengths else None


def qa_scores(results: Sequence[QAResult]) -> dict[str, float | int | None]:
    answerable = [r for r in results if not r.unanswerable]
    unanswerable = [r for r in results if r.unanswerable]
    hits = [hit for r in answerable for hit in r.citation_hits]
    hybrid = [r.ranks.get("hybrid") for r in results if r.ranks]
    return {
        "qa_questions": len(results),
        "strict_pass": rate(strict_pass(r) for r in results),
        "must_include": mean(r.must_include for r in answerable),
        "refusal_recall": rate(r.refused for r in unanswerable),
        "false_refusal_rate": rate(r.refused for r in answerable),
        "citation_precision": rate(hits),
        "hybrid_recall@5": retrieval_metrics(hybrid).get("recall@5"),
        "answer_lead": rate(answer_lead_hit(r) for r in answerable if r.expected),
        "answer_chars_median": median_length(r.answer for r in answerable if not r.refused),
    }


def routing_scores(results: Sequence[RouteResult]) -> dict[str, float | int | None]:
    return {
        "routing_questions": len(results),
        "routing_accuracy": rate(r.route == r.gold_route for r in results),
        "subject_accuracy": rate(r.subject_match for r in results),
    }


def dialog_scores(turns: Sequence[TurnResult]) -> dict[str, float | int | None]:
    conversations: dict[str, list[TurnResult]] = defaultdict(list)
    for turn in turns:
        conversations[f"{turn.set}/{turn.dialog_id}"].append(turn)
    return {
        "dialog_conversations": len(conversations),
        "dialog_turns": len(turns),
        "dialog_route_accuracy": rate(t.route_match for t in turns),
        "dialog_subject_accuracy": rate(t.subject_match for t in turns),
        "dialog_both_accuracy": rate(t.route_match and t.subject_match for t in turns),
        "dialog_conversation_accuracy": rate(
            all(t.route_match and t.subject_match for t in items) for items in conversations.values()
        ),
    }


def headline_scores(
    qa: Sequence[QAResult], routing: Sequence[RouteResult], dialog: Sequence[TurnResult]
) -> dict[str, float | int | None]:
    return {**qa_scores(qa), **routing_scores(routing), **dialog_scores(dialog)}


def split_scores(run: EvalRun) -> dict[str, dict[str, float | int | None]]:
    """The headline scores for tune, check and all, side by side."""
    return {
        split: headline_scores(
            in_split(run.qa, split), in_split(run.routing, split), in_split(run.dialog, split)
        )
        for split in SPLIT_NAMES
    }


def strict_by_type(results: Sequence[QAResult]) -> dict[str, dict[str, dict[str, float | int | None]]]:
    """{type: {split: {"questions", "strict_pass"}}}, known types first, in their usual order."""
    present = {r.type for r in results}
    types = [t for t in QA_TYPES if t in present] + sorted(present - set(QA_TYPES))
    return {
        kind: per_split(
            [r for r in results if r.type == kind],
            lambda items: {"questions": len(items), "strict_pass": rate(strict_pass(r) for r in items)},
        )
        for kind in types
    }


def retrieval_by_method(results: Sequence[QAResult]) -> dict[str, dict[str, float]]:
    """Recall@k / MRR per retrieval method over the questions that have gold quotes."""
    with_gold = [r for r in results if r.ranks]
    methods = list(dict.fromkeys(m for r in with_gold for m in r.ranks))
    return {m: retrieval_metrics([r.ranks.get(m) for r in with_gold]) for m in methods}
