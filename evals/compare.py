"""Two runs side by side: metric deltas (B − A) and the questions whose verdict flipped (pure over run files)."""

from __future__ import annotations

from typing import Any

from evals.labels import SPLIT_LABELS, method_label
from evals.report import compare_runs, label

FLIP_FIELDS = ("kind", "set", "type", "question", "expected")
SIDE_FIELDS = ("passed", "reasons", "answer", "route", "refused", "subject")


def question_key(row: dict[str, Any]) -> tuple[str, ...]:
    """The same question in two runs: by kind and id (a dialog turn by conversation id and turn)."""
    if row.get("kind") == "dialog":
        return ("dialog", str(row.get("dialog_id")), str(row.get("turn")))
    return (str(row.get("kind")), str(row.get("id")))


def metric_label(key: str) -> str:
    """`check/strict_pass` → `核验组 · 严格通过率`; `hybrid/recall@5` → `混合检索 · 前5命中率`."""
    if "/" in key:
        group, name = key.split("/", 1)
        where = SPLIT_LABELS.get(group) or method_label(group)
        return f"{where} · {label(name)}"
    return label(key)


def metric_deltas(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"metric": key, "label": metric_label(key), "a": va, "b": vb, "delta": delta}
        for key, va, vb, delta in compare_runs(a, b)
        if va is not None or vb is not None
    ]


def _flip(row_a: dict[str, Any], row_b: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": "/".join(question_key(row_b)),
        "id": row_b.get("id") or f"{row_b.get('dialog_id')} 第{row_b.get('turn')}轮",
        **{name: row_b.get(name) for name in FLIP_FIELDS},
        "a": {name: row_a.get(name) for name in SIDE_FIELDS},
        "b": {name: row_b.get(name) for name in SIDE_FIELDS},
    }


def flipped_questions(rows_a: list[dict[str, Any]], rows_b: list[dict[str, Any]]) -> dict[str, Any]:
    """Questions in both runs that passed in one and failed in the other, and how many each run has alone."""
    by_key_a = {question_key(r): r for r in rows_a}
    by_key_b = {question_key(r): r for r in rows_b}
    shared = [k for k in by_key_b if k in by_key_a]
    passed_a = {k: bool(by_key_a[k].get("passed")) for k in shared}
    passed_b = {k: bool(by_key_b[k].get("passed")) for k in shared}
    fixed = [_flip(by_key_a[k], by_key_b[k]) for k in shared if passed_b[k] and not passed_a[k]]
    broken = [_flip(by_key_a[k], by_key_b[k]) for k in shared if passed_a[k] and not passed_b[k]]
    return {
        "shared": len(shared),
        "only_a": len(by_key_a.keys() - by_key_b.keys()),
        "only_b": len(by_key_b.keys() - by_key_a.keys()),
        "fixed": fixed,  # failed in A, passes in B
        "broken": broken,  # passed in A, fails in B
    }


def compare(
    metrics_a: dict[str, Any],
    metrics_b: dict[str, Any],
    rows_a: list[dict[str, Any]],
    rows_b: list[dict[str, Any]],
) -> dict[str, Any]:
    return {"metrics": metric_deltas(metrics_a, metrics_b), **flipped_questions(rows_a, rows_b)}
