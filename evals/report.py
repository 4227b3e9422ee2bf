"""Write an eval run: metrics.json, results.jsonl, report.md and a self-contained report.html (evals.html_report)."""

from __future__ import annotations

import json
from pathlib import Path

from evals.html_report import html_report
from evals.labels import METRIC_LABELS

SPLIT_NAMES = ("tune", "check", "all")
SPLIT_HEADERS = ["tune（调优）", "check（核验）", "all（全部）"]  # the Markdown report and the CLI
HEADLINE = (
    "qa_questions",
    "strict_pass",
    "must_include",
    "refusal_recall",
    "false_refusal_rate",
    "citation_precision",
    "hybrid_recall@5",
    "answer_lead",
    "answer_chars_median",
    "routing_questions",
    "routing_accuracy",
    "subject_accuracy",
    "dialog_conversations",
    "dialog_turns",
    "dialog_route_accuracy",
    "dialog_subject_accuracy",
    "dialog_both_accuracy",
    "dialog_conversation_accuracy",
)
COUNT_KEYS = ("qa_questions", "routing_questions", "dialog_conversations", "dialog_turns")
SPLIT_RETRIEVAL_KEYS = {"recall@5": "R@5", "mrr@10": "MRR@10"}


def fmt(value: object) -> str:
    return "—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def label(key: str) -> str:
    return METRIC_LABELS.get(key, key)


def split_rows(metrics: dict) -> list[tuple[str, list[str]]]:
    """(label, [tune, check, all]) for each headline metric this run has data for."""
    splits = metrics.get("splits", {})
    rows = []
    for key in HEADLINE:
        values = [splits.get(split, {}).get(key) for split in SPLIT_NAMES]
        if all(v is None for v in values) or (key in COUNT_KEYS and not any(values)):
            continue  # no question of that kind in this run (a rate of 0, e.g. no false refusal, is shown)
        rows.append((label(key), [fmt(v) for v in values]))
    return rows


def type_rows(metrics: dict) -> list[tuple[str, list[str]]]:
    """(type, [tune, check, all]) strict pass rates, each with its question count."""
    rows = []
    for kind, by_split in metrics.get("strict_by_type", {}).items():
        cells = [by_split.get(split, {}) for split in SPLIT_NAMES]
        rows.append(
            (
                kind,
                [
                    f"{fmt(c.get('strict_pass'))} ({c.get('questions', 0)})" if c.get("questions") else "—"
                    for c in cells
                ],
            )
        )
    return rows


def split_retrieval_columns() -> list[str]:
    return [f"{split} {short}" for split in SPLIT_NAMES for short in SPLIT_RETRIEVAL_KEYS.values()]


def split_retrieval_rows(metrics: dict) -> list[tuple[str, list[str]]]:
    """(method, [tune R@5, tune MRR, check …, all …]) — retrieval per split, side by side."""
    by_split = metrics.get("retrieval_by_split", {})
    methods = list(dict.fromkeys(m for split in SPLIT_NAMES for m in by_split.get(split, {})))
    return [
        (
            method,
            [
                fmt(by_split.get(split, {}).get(method, {}).get(key))
                for split in SPLIT_NAMES
                for key in SPLIT_RETRIEVAL_KEYS
            ],
        )
        for method in methods
    ]


def md_table(header: list[str], rows: list[tuple[str, list[str]]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    return lines + [f"| {name} | " + " | ".join(cells) + " |" for name, cells in rows]


def _run_lines(run: dict) -> list[str]:
    return [
        f"- 运行时间：{run['started_at']}",
        f"- 题集：{', '.join(run['sets'])}",
        f"- 语料哈希：{run['corpus_hash']}；向量模型：{run['encoder']} {run['encoder_version']}；词典：{run['dictionary_hash']}",
        f"- 修复方案计算日期：{run['today']}；示例数据种子：{run['sample_seed']}",
    ]


def _split_lines(metrics: dict) -> list[str]:
    lines = ["", "## 分组指标（tune | check | all）", ""]
    lines += ["check 组不参与调优，用来估计在未见题集上的表现；all 为全部题目（含未标分组的题）。", ""]
    lines += md_table(["指标", *SPLIT_HEADERS], split_rows(metrics))
    if metrics.get("strict_by_type"):
        lines += ["", "## 按题型严格通过率（括号内为题数）", ""]
        lines += md_table(["题型", *SPLIT_HEADERS], type_rows(metrics))
    return lines


def _overall_lines(metrics: dict) -> list[str]:
    lines = ["", "## 总体指标（全部题目）", "", "| 指标 | 数值 |", "|---|---|"]
    rows = [(k, v) for k, v in metrics["overall"].items() if k != "qa_questions"]  # same as "questions"
    return lines + [f"| {label(k)} | {fmt(v)} |" for k, v in rows]


def _retrieval_lines(metrics: dict) -> list[str]:
    if not metrics["retrieval"]:
        return []
    keys = list(next(iter(metrics["retrieval"].values())).keys())
    rows = [(m, [fmt(v.get(k)) for k in keys]) for m, v in metrics["retrieval"].items()]
    lines = ["", "## 检索（同一数据，各方法对比）", "", *md_table(["方法", *keys], rows)]
    if metrics.get("retrieval_by_split"):
        lines += ["", "### 检索分组（tune | check | all）", ""]
        lines += md_table(["方法", *split_retrieval_columns()], split_retrieval_rows(metrics))
    return lines


def _type_lines(metrics: dict) -> list[str]:
    if not metrics["by_type"]:
        return []
    keys = [
        "questions",
        "strict_pass",
        "must_include",
        "citation_precision",
        "refusal_accuracy",
        "hybrid_recall@5",
        "latency_p50",
        "latency_p95",
    ]
    rows = [(t, [fmt(v.get(k)) for k in keys]) for t, v in metrics["by_type"].items()]
    return ["", "## 按题型（全部题目）", "", *md_table(["题型", *keys], rows)]


def _confusion_lines(table: dict[str, dict[str, int]]) -> list[str]:
    predicted = sorted({p for row in table.values() for p in row})
    rows = [(g, [str(row.get(p, 0)) for p in predicted]) for g, row in table.items()]
    return md_table(["标注 \\ 预测", *predicted], rows)


def _routing_lines(metrics: dict) -> list[str]:
    routing = metrics["routing"]
    if not routing["questions"]:
        return []
    return [
        "",
        "## 路由",
        "",
        f"准确率 {fmt(routing['routing_accuracy'])}，主体抽取 {fmt(routing['subject_accuracy'])}",
        "",
        *_confusion_lines(routing["confusion"]),
    ]


def _dialog_lines(metrics: dict) -> list[str]:
    dialog = metrics.get("dialog", {})
    if not dialog.get("dialog_turns"):
        return []
    keys = ["dialog_turns", "dialog_route_accuracy", "dialog_subject_accuracy", "dialog_both_accuracy"]
    rows = [(f"第{n}轮", [fmt(v.get(k)) for k in keys]) for n, v in dialog["by_turn"].items()]
    return [
        "",
        "## 多轮对话（逐轮）",
        "",
        f"{dialog['dialog_conversations']} 段对话、{dialog['dialog_turns']} 轮；"
        f"整段全对 {fmt(dialog['dialog_conversation_accuracy'])}",
        "",
        *md_table(["轮次", *(label(k) for k in keys)], rows),
        "",
        *_confusion_lines(dialog["confusion"]),
    ]


def _latency_lines(metrics: dict) -> list[str]:
    lines = ["", "## 时延（秒，仅报告，不作断言）", ""]
    return lines + [
        f"- {name}：" + "，".join(f"{k} {v:.3f}" for k, v in values.items())
        for name, values in metrics["latency"].items()
        if values
    ]


def markdown_report(metrics: dict) -> str:
    lines = ["# 评测报告 / Evaluation report", "", *_run_lines(metrics["run"])]
    for section in (
        _split_lines,
        _overall_lines,
        _retrieval_lines,
        _type_lines,
        _routing_lines,
        _dialog_lines,
        _latency_lines,
    ):
        lines += section(metrics)
    return "\n".join(lines) + "\n"


def write_report(out: Path, metrics: dict, rows: list[dict]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2, default=str), "utf-8")
    with (out / "results.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    text = markdown_report(metrics)
    (out / "report.md").write_text(text, "utf-8")
    (out / "report.html").write_text(html_report(metrics, rows), "utf-8")


def compare_runs(a: dict, b: dict) -> list[tuple[str, float | None, float | None, float | None]]:
    """(metric, A, B, B − A) for every overall, tune/check and retrieval number present in either run."""
    rows = []
    for key in sorted(set(a["overall"]) | set(b["overall"])):
        va, vb = a["overall"].get(key), b["overall"].get(key)
        rows.append((key, va, vb, vb - va if isinstance(va, float) and isinstance(vb, float) else None))
    for split in ("tune", "check"):
        sa, sb = a.get("splits", {}).get(split, {}), b.get("splits", {}).get(split, {})
        for key in [k for k in HEADLINE if k in sa or k in sb]:
            va, vb = sa.get(key), sb.get(key)
            rows.append(
                (
                    f"{split}/{key}",
                    va,
                    vb,
                    vb - va if isinstance(va, float) and isinstance(vb, float) else None,
                )
            )
    for method in sorted(set(a.get("retrieval", {})) | set(b.get("retrieval", {}))):
        ma, mb = a["retrieval"].get(method, {}), b["retrieval"].get(method, {})
        for key in sorted(set(ma) | set(mb)):
            va, vb = ma.get(key), mb.get(key)
            rows.append((f"{method}/{key}", va, vb, vb - va if va is not None and vb is not None else None))
    return rows
