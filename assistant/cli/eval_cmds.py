"""`credit-assistant eval run|compare|retrieval`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from assistant.bootstrap import build_assistant
from assistant.cli import app
from assistant.service import Assistant
from assistant.settings import get_settings
from evals.baselines import LangChainFaissBaseline
from evals.datasets import DatasetError, load_set
from evals.report import (
    SPLIT_HEADERS,
    compare_runs,
    fmt,
    split_retrieval_columns,
    split_retrieval_rows,
    split_rows,
    type_rows,
    write_report,
)
from evals.runner import result_rows, run_sets, summarise

console = Console()
eval_app = typer.Typer(help="评测：题集运行、报告与对比", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


def cached_baseline(assistant: Assistant, data_dir: Path) -> LangChainFaissBaseline:
    """The LangChain+FAISS baseline with its passage vectors kept in the data folder (embedded once)."""
    corpus = assistant.corpus
    return LangChainFaissBaseline(corpus.passages, corpus.retriever.encoder, data_dir / "baseline_vectors.npz")


def validate_sets(sets: list[Path]) -> None:
    for path in sets:
        try:
            load_set(path, get_settings().api.max_question_chars)  # the run's own question limit
        except DatasetError as exc:
            console.print(f"[red]{exc.message}[/red]")
            for error in exc.errors[:100]:
                console.print(f"  {error}")
            raise typer.Exit(2) from exc


def print_rows(title: str, first: str, columns: list[str], rows: list[tuple[str, list[str]]]) -> None:
    if not rows:
        return
    table = Table(title=title)
    table.add_column(first, no_wrap=True)
    for column in columns:
        table.add_column(column, justify="right")
    for name, cells in rows:
        table.add_row(name, *cells)
    console.print(table)


def print_metrics(metrics: dict) -> None:
    """Headline metrics and per-type strict pass, tune | check | all side by side; then retrieval."""
    print_rows("分组指标（check 组估计未见题集上的表现）", "指标", SPLIT_HEADERS, split_rows(metrics))
    print_rows("按题型严格通过率（括号内为题数）", "题型", SPLIT_HEADERS, type_rows(metrics))
    print_retrieval(metrics["retrieval"])
    print_rows("检索分组", "方法", split_retrieval_columns(), split_retrieval_rows(metrics))
    overall = metrics["overall"]
    console.print(
        f"问答时延 p50 {fmt(overall.get('latency_p50'))} 秒，p95 {fmt(overall.get('latency_p95'))} 秒"
    )


def print_retrieval(retrieval: dict) -> None:
    if not retrieval:
        return
    keys = list(next(iter(retrieval.values())).keys())
    rows = [(method, [fmt(values.get(k)) for k in keys]) for method, values in retrieval.items()]
    print_rows("检索（同一数据，各方法对比）", "方法", keys, rows)


@eval_app.command("run")
def run_command(
    sets: list[Path] = typer.Option(
        ...,
        "--set",
        exists=True,
        dir_okay=False,
        help="题集（JSONL/CSV/XLSX：问答、路由或多轮对话），可多次指定",
    ),
    out: Path = typer.Option(Path("var/eval"), "--out", help="输出目录"),
) -> None:
    """运行完整助手并生成 report.md / report.html / results.jsonl / metrics.json。"""
    validate_sets(sets)
    settings = get_settings()
    assistant = build_assistant(settings)
    run = run_sets(assistant, sets, baseline=cached_baseline(assistant, settings.data_dir))
    metrics = summarise(run)
    write_report(out, metrics, result_rows(run))
    print_metrics(metrics)
    console.print(f"报告已写入 {out}/report.md 与 report.html")


@eval_app.command("retrieval")
def retrieval_command(
    sets: list[Path] = typer.Option(..., "--set", exists=True, dir_okay=False, help="问答题集"),
) -> None:
    """只比较检索：BM25、向量、混合与 LangChain+FAISS 基线。"""
    validate_sets(sets)
    settings = get_settings()
    assistant = build_assistant(settings)
    metrics = summarise(run_sets(assistant, sets, baseline=cached_baseline(assistant, settings.data_dir)))
    print_retrieval(metrics["retrieval"])
    print_rows("检索分组", "方法", split_retrieval_columns(), split_retrieval_rows(metrics))


@eval_app.command("compare")
def compare_command(
    run_a: Path = typer.Argument(..., help="评测目录 A"), run_b: Path = typer.Argument(..., help="评测目录 B")
) -> None:
    """对比两次评测的指标差异（B − A）。"""
    a = json.loads((run_a / "metrics.json").read_text("utf-8"))
    b = json.loads((run_b / "metrics.json").read_text("utf-8"))
    table = Table(title=f"{run_a} → {run_b}")
    for column in ("指标", "A", "B", "差值"):
        table.add_column(column, justify="right")
    for key, va, vb, delta in compare_runs(a, b):
        table.add_row(key, fmt(va), fmt(vb), "—" if delta is None else f"{delta:+.3f}")
    console.print(table)
