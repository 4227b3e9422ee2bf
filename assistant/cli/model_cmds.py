"""`credit-assistant models fit-answerability|router`: fit and report the learned components."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import typer
from rich.console import Console

from assistant.catalogue import DATA_DIR
from assistant.cli import app
from assistant.policy_qa.answer import PolicyQA
from assistant.policy_qa.answerability import MODEL_FILE, AnswerabilityFeatures, fit_model
from assistant.policy_qa.wording import fit_wording

console = Console()
models_app = typer.Typer(help="学习组件：可答性模型与路由模型", no_args_is_help=True)
app.add_typer(models_app, name="models")


def tune_rows(paths: list[Path], split: str) -> list[dict]:
    rows = [
        json.loads(line) for path in paths for line in path.read_text("utf-8").splitlines() if line.strip()
    ]
    return [r for r in rows if r.get("split", split) == split]


# Our own labelled questions, written apart from the dev sets: the first 227, then 200 more (2026-12-01), then
# 300 over both document families — the six development regulations and the five plans (2026-12-03).
TRAINING_FILES = (
    DATA_DIR / "answerability_train.jsonl",
    DATA_DIR / "answerability_train_extra.jsonl",
    DATA_DIR / "answerability_train_regs.jsonl",
)


def labelled_questions(paths: list[Path], split: str) -> list[tuple[str, bool]]:
    """Our own labelled questions plus the chosen half of the given QA sets."""
    own = [
        json.loads(line)
        for training_file in TRAINING_FILES
        for line in training_file.read_text("utf-8").splitlines()
        if line.strip()
    ]
    rows = [(r["question"], bool(r["answerable"])) for r in own]
    return rows + [(r["question"], r["type"] != "unanswerable") for r in tune_rows(paths, split)]


def answerability_rows(
    policy: PolicyQA, rows: list[tuple[str, bool]], wording: list[float]
) -> list[tuple[AnswerabilityFeatures, bool]]:
    """Evidence features of each question, with the wording model's held-out probability."""
    return [
        (policy.features(question, held_out), answerable)
        for (question, answerable), held_out in zip(rows, wording, strict=True)
    ]


@models_app.command("fit-answerability")
def fit_answerability(
    sets: list[Path] = typer.Option(..., "--set", exists=True, dir_okay=False, help="问答题集（JSONL）"),
    split: str = typer.Option("tune", help="只用这一半拟合（无 split 字段的题视为这一半）"),
    out: Path = typer.Option(MODEL_FILE, help="模型文件"),
) -> None:
    """在题集的 tune 一半上拟合可答性模型，并报告 check 一半的精确率/召回率。"""
    from assistant.bootstrap import build_assistant
    from assistant.settings import get_settings

    policy = build_assistant(get_settings()).policy
    fitted_on = labelled_questions(sets, split)
    digest = hashlib.sha256("".join(sorted(q for q, _ in fitted_on)).encode()).hexdigest()[:16]
    wording, held_out = fit_wording([q for q, _ in fitted_on], [a for _, a in fitted_on])
    model = fit_model(answerability_rows(policy, fitted_on, held_out), digest, wording=wording)
    model.save(out)
    console.print(f"已在 {len(fitted_on)} 题上拟合，阈值 {model.threshold:.3f}，训练准确率 {model.scores}")
