"""Write an eval run: metrics.json, results.jsonl, report.md and a self-contained report.html."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

METRIC_LABELS = {
    "routing_accuracy": "路由准确率",
    "subject_accuracy": "主体抽取准确率",
    "must_include": "要点覆盖率 (must_include)",
    "citation_precision": "引用精确率",
    "refusal_precision": "拒答精确率",
    "refusal_recall": "拒答召回率",
    "refusal_accuracy": "拒答准确率",
    "hybrid_recall@5": "混合检索 Recall@5",
}


def fmt(value: object) -> str:
    return "—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def markdown_report(metrics: dict) -> str:
    run = metrics["run"]
    lines = ["# 评测报告 / Evaluation report", ""]
    lines += [f"- 运行时间：{run['started_at']}", f"- 题集：{', '.join(run['sets'])}"]
    lines += [
        f"- 语料哈希：{run['corpus_hash']}；向量模型：{run['encoder']} {run['encoder_version']}；词典：{run['dictionary_hash']}"
    ]
    lines += [
        f"- 修复方案计算日期：{run['today']}；示例数据种子：{run['sample_seed']}",
        "",
        "## 总体指标",
        "",
        "| 指标 | 数值 |",
        "|---|---|",
    ]
    lines += [f"| {METRIC_LABELS.get(k, k)} | {fmt(v)} |" for k, v in metrics["overall"].items()]
    if metrics["retrieval"]:
        keys = list(next(iter(metrics["retrieval"].values())).keys())
        lines += [
            "",
            "## 检索（同一数据，各方法对比）",
            "",
            "| 方法 | " + " | ".join(keys) + " |",
            "|---" * (len(keys) + 1) + "|",
        ]
        lines += [
            f"| {m} | " + " | ".join(fmt(v.get(k)) for k in keys) + " |"
            for m, v in metrics["retrieval"].items()
        ]
    if metrics["by_type"]:
        keys = [
            "questions",
            "must_include",
            "citation_precision",
            "refusal_accuracy",
            "hybrid_recall@5",
            "latency_p50",
            "latency_p95",
        ]
        lines += ["", "## 按题型", "", "| 题型 | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
        lines += [
            f"| {t} | " + " | ".join(fmt(v.get(k)) for k in keys) + " |"
            for t, v in metrics["by_type"].items()
        ]
    routing = metrics["routing"]
    if routing["questions"]:
        lines += [
            "",
            "## 路由",
            "",
            f"准确率 {fmt(routing['routing_accuracy'])}，主体抽取 {fmt(routing['subject_accuracy'])}",
            "",
        ]
        predicted = sorted({p for row in routing["confusion"].values() for p in row})
        lines += ["| 标注 \\ 预测 | " + " | ".join(predicted) + " |", "|---" * (len(predicted) + 1) + "|"]
        lines += [
            f"| {g} | " + " | ".join(str(row.get(p, 0)) for p in predicted) + " |"
            for g, row in routing["confusion"].items()
        ]
    lines += ["", "## 时延（秒，仅报告，不作断言）", ""]
    lines += [
        f"- {name}：" + "，".join(f"{k} {v:.3f}" for k, v in values.items())
        for name, values in metrics["latency"].items()
        if values
    ]
    return "\n".join(lines) + "\n"


def _png(figure: plt.Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def charts(metrics: dict, latencies: list[float]) -> list[tuple[str, str]]:
    plt.rcParams["font.sans-serif"] = ["Noto Sans CJK SC", "WenQuanYi Zen Hei", "DejaVu Sans"]
    out = []
    if metrics["retrieval"]:
        figure, axis = plt.subplots(figsize=(7, 3.2))
        methods = list(metrics["retrieval"])
        keys = list(next(iter(metrics["retrieval"].values())).keys())
        width = 0.8 / len(methods)
        for i, method in enumerate(methods):
            axis.bar(
                [x + i * width for x in range(len(keys))],
                [metrics["retrieval"][method][k] for k in keys],
                width,
                label=method,
            )
        axis.set_xticks([x + 0.4 - width / 2 for x in range(len(keys))], keys)
        axis.set_ylim(0, 1.05)
        axis.legend(fontsize=8)
        axis.set_title("Retrieval by method")
        out.append(("Retrieval by method", _png(figure)))
    if metrics["by_type"]:
        figure, axis = plt.subplots(figsize=(7, 3.2))
        types = list(metrics["by_type"])
        axis.bar(types, [metrics["by_type"][t].get("must_include") or 0 for t in types])
        axis.set_ylim(0, 1.05)
        axis.set_title("must_include coverage by question type")
        axis.tick_params(axis="x", rotation=30)
        out.append(("Per-type breakdown", _png(figure)))
    if latencies:
        figure, axis = plt.subplots(figsize=(7, 3.2))
        axis.hist(latencies, bins=20)
        axis.set_xlabel("seconds")
        axis.set_title("Latency per question")
        out.append(("Latency", _png(figure)))
    return out


def html_report(markdown_text: str, images: list[tuple[str, str]]) -> str:
    import html

    body = "".join(f"<h3>{html.escape(t)}</h3><img src='data:image/png;base64,{b}'/>" for t, b in images)
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>评测报告</title>"
        "<style>body{font-family:sans-serif;max-width:960px;margin:2em auto}pre{white-space:pre-wrap}</style></head>"
        f"<body><pre>{html.escape(markdown_text)}</pre>{body}</body></html>"
    )


def write_report(out: Path, metrics: dict, rows: list[dict]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2, default=str), "utf-8")
    with (out / "results.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    text = markdown_report(metrics)
    (out / "report.md").write_text(text, "utf-8")
    latencies = [r["seconds"] for r in rows]
    (out / "report.html").write_text(html_report(text, charts(metrics, latencies)), "utf-8")


def compare_runs(a: dict, b: dict) -> list[tuple[str, float | None, float | None, float | None]]:
    """(metric, A, B, B − A) for every overall and retrieval number present in either run."""
    rows = []
    for key in sorted(set(a["overall"]) | set(b["overall"])):
        va, vb = a["overall"].get(key), b["overall"].get(key)
        rows.append((key, va, vb, vb - va if isinstance(va, float) and isinstance(vb, float) else None))
    for method in sorted(set(a.get("retrieval", {})) | set(b.get("retrieval", {}))):
        ma, mb = a["retrieval"].get(method, {}), b["retrieval"].get(method, {})
        for key in sorted(set(ma) | set(mb)):
            va, vb = ma.get(key), mb.get(key)
            rows.append((f"{method}/{key}", va, vb, vb - va if va is not None and vb is not None else None))
    return rows
