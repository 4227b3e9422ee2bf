"""`credit-assistant models fit-answerability|router`: fit and report the learned components."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console

from assistant.catalogue import DATA_DIR
from assistant.cli import app
from assistant.policy_qa.answer import PolicyQA
from assistant.policy_qa.answerability import MODEL_FILE, AnswerabilityFeatures, fit_model
from assistant.policy_qa.wording import fit_wording
from corpus.pipeline import bundled_corpus_dir

console = Console()
models_app = typer.Typer(help="学习组件：可答性模型与路由模型", no_args_is_help=True)
app.add_typer(models_app, name="models")


def set_rows(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for path in paths for line in path.read_text("utf-8").splitlines() if line.strip()]


def tune_rows(paths: list[Path], split: str) -> list[dict]:
    return [r for r in set_rows(paths) if r.get("split", split) == split]


# Our own labelled questions, written apart from the dev sets: the first 227, then 200 more (2026-12-01), both
# labelled against the five bundled plans; then 300 over both document families — the six development
# regulations loaded beside the five plans (2026-12-03). True: labelled against the bundled corpus alone.
TRAINING_FILES = (
    (DATA_DIR / "answerability_train.jsonl", True),
    (DATA_DIR / "answerability_train_extra.jsonl", True),
    (DATA_DIR / "answerability_train_regs.jsonl", False),
)


@dataclass(frozen=True, slots=True)
class Labelled:
    question: str
    answerable: bool
    bundled: bool  # labelled against the bundled corpus alone (else: with further documents loaded)


def written_for_bundled(rows: list[dict], bundled_files: set[str]) -> bool:
    """A QA set whose questions name only bundled documents was written (and labelled) for the bundled corpus."""
    named = {doc for row in rows for doc in row.get("docs", [])}
    return bool(named) and named <= bundled_files


def labelled_questions(paths: list[Path], split: str, bundled_files: set[str]) -> list[Labelled]:
    """Our own labelled questions plus the chosen half of the given QA sets, each with the corpus it was
    labelled against: "not in the documents" holds only for the documents the writer had."""
    rows = [
        Labelled(r["question"], bool(r["answerable"]), bundled)
        for training_file, bundled in TRAINING_FILES
        for line in training_file.read_text("utf-8").splitlines()
        if line.strip() and (r := json.loads(line))
    ]
    for path in paths:
        half = tune_rows([path], split)
        bundled = written_for_bundled(set_rows([path]), bundled_files)
        rows += [Labelled(r["question"], r["type"] != "unanswerable", bundled) for r in half]
    return rows


def answerability_rows(
    policies: dict[bool, PolicyQA], rows: list[Labelled], wording: list[float]
) -> list[tuple[AnswerabilityFeatures, bool]]:
    """Evidence features of each question over the corpus it was labelled against, with the wording model's
    held-out probability."""
    return [
        (policies[row.bundled].features(row.question, held_out), row.answerable)
        for row, held_out in zip(rows, wording, strict=True)
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

    settings = get_settings()
    loaded = build_assistant(settings).policy
    bundled_dir = bundled_corpus_dir()
    policies = {False: loaded, True: loaded}
    if settings.corpus.paths and [p.resolve() for p in settings.corpus.paths] != [bundled_dir.resolve()]:
        alone = settings.model_copy(
            update={"corpus": settings.corpus.model_copy(update={"paths": []}), "data_dir": settings.data_dir / "bundled"}
        )
        policies[True] = build_assistant(alone).policy
    bundled_files = {p.name for p in bundled_dir.iterdir()}
    fitted_on = labelled_questions(sets, split, bundled_files)
    digest = hashlib.sha256("".join(sorted(r.question for r in fitted_on)).encode()).hexdigest()[:16]
    wording, held_out = fit_wording([r.question for r in fitted_on], [r.answerable for r in fitted_on])
    model = fit_model(answerability_rows(policies, fitted_on, held_out), digest, wording=wording)
    model.save(out)
    console.print(f"已在 {len(fitted_on)} 题上拟合，阈值 {model.threshold:.3f}，训练准确率 {model.scores}")
