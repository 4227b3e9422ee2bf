"""metrics.json of an eval run: overall and per-split (tune | check | all) scores, pure over results."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from evals.metrics import (
    confusion,
    dialog_scores,
    headline_scores,
    mean,
    per_split,
    percentiles,
    qa_scores,
    refusal_scores,
    retrieval_by_method,
    split_scores,
    strict_by_type,
)
from evals.results import EvalRun, QAResult, RouteResult, TurnResult


def qa_metrics(results: list[QAResult]) -> dict[str, Any]:
    """One group of QA results (a type, or all of them), with latency."""
    latency = percentiles([r.seconds for r in results])
    return {
        "questions": len(results),
        **qa_scores(results),
        **refusal_scores((r.unanswerable, r.refused) for r in results),
        "latency_p50": latency.get("p50"),
        "latency_p95": latency.get("p95"),
    }


def routing_detail(results: list[RouteResult]) -> dict[str, Any]:
    return {
        "questions": len(results),
        "routing_accuracy": mean(float(r.route == r.gold_route) for r in results),
        "subject_accuracy": mean(float(r.subject_match) for r in results),
        "confusion": confusion((r.gold_route, r.route) for r in results),
        "by_route": {
            route: mean(float(r.route == r.gold_route) for r in results if r.gold_route == route)
            for route in sorted({r.gold_route for r in results})
        },
    }


def dialog_detail(turns: list[TurnResult]) -> dict[str, Any]:
    """Route confusion over all turns and scores by turn position (later turns carry context)."""
    positions = sorted({t.turn for t in turns})
    return {
        **dialog_scores(turns),
        "confusion": confusion((t.gold_route, t.route) for t in turns),
        "by_turn": {str(n): dialog_scores([t for t in turns if t.turn == n]) for n in positions},
    }


def overall_scores(run: EvalRun) -> dict[str, Any]:
    """Every split-"all" headline score plus the older QA keys (questions, refusal_accuracy, latency)."""
    return {**qa_metrics(run.qa), **headline_scores(run.qa, run.routing, run.dialog)}


def summarise(run: EvalRun) -> dict[str, Any]:
    by_type: dict[str, list[QAResult]] = defaultdict(list)
    for r in run.qa:
        by_type[r.type].append(r)
    return {
        "run": run.info,
        "overall": overall_scores(run),
        "splits": split_scores(run),
        "strict_by_type": strict_by_type(run.qa),
        "retrieval": retrieval_by_method(run.qa),
        "retrieval_by_split": per_split(run.qa, retrieval_by_method),
        "by_type": {t: qa_metrics(items) for t, items in sorted(by_type.items())},
        "routing": routing_detail(run.routing),
        "dialog": dialog_detail(run.dialog),
        "latency": {
            "qa": percentiles([r.seconds for r in run.qa]),
            "routing": percentiles([r.seconds for r in run.routing]),
            "dialog": percentiles([t.seconds for t in run.dialog]),
        },
    }
