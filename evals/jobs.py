"""Eval runs in the background: validate an uploaded set, store it, run it on a small pool, keep the files.

The same runner as `credit-assistant eval run` (evals.runner.run_sets), told about progress through a
callback. A run's folder (`<data_dir>/evals/<id>/`) holds the uploaded set, metrics.json, results.jsonl,
report.md, report.html and results.xlsx; the eval_runs table lists the runs and their progress. Runs that
were queued or running when the service stopped are started again when it comes back.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.access import Principal
from assistant.errors import AssistantError
from assistant.service import Assistant
from connectors.eval_runs import EvalRunRecord, EvalRunStore
from connectors.readers import ReadLimits
from evals.baselines import LangChainFaissBaseline
from evals.datasets import DatasetError, RowProblem, load_bytes
from evals.export import write_results_xlsx
from evals.report import write_report
from evals.runner import result_rows, run_sets, summarise

log = logging.getLogger("credit_assistant.evals")
HEADLINE_KEYS = (
    "qa_questions",
    "strict_pass",
    "must_include",
    "refusal_recall",
    "false_refusal_rate",
    "citation_precision",
    "routing_questions",
    "routing_accuracy",
    "subject_accuracy",
    "dialog_turns",
    "dialog_both_accuracy",
)
UNSAFE_NAME = re.compile(r"[\\/:*?\"<>|\x00-\x1f]")


def safe_file_name(name: str) -> str:
    """The upload's own name, without any folder part or character a file system might refuse."""
    base = UNSAFE_NAME.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    stem, dot, suffix = base.rpartition(".")
    return (stem[:100] + dot + suffix[:10]) if dot else base[:110] or "upload"


def headline(metrics: dict[str, Any]) -> dict[str, Any]:
    """The few overall numbers a list of runs shows."""
    overall = metrics.get("overall", {})
    return {key: overall.get(key) for key in HEADLINE_KEYS if overall.get(key) not in (None, 0)}


class RunFilesMissing(LookupError):
    """A run the table lists whose result files are gone from the data folder."""


ActAs = Callable[
    [str], Principal
]  # a run's `created_by` (the uploader's key hash) → the principal it acts as


class EvalJobs:
    """Accepts uploads, runs them `workers` at a time and serves their stored files.

    A run asks its questions as the caller who uploaded it (`act_as(created_by)`, looked up when the run starts):
    an evaluator's run gets the record-denied answers, an admin's run reads records audited under the admin's key.
    """

    def __init__(
        self,
        assistant: Assistant,
        store: EvalRunStore,
        root: Path,
        act_as: ActAs,
        workers: int = 1,
        max_items: int = 2000,
        limits: ReadLimits = ReadLimits(),
    ) -> None:
        self.assistant, self.store, self.root, self.max_items = assistant, store, root, max_items
        self.act_as, self.limits = act_as, limits
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="eval-run")
        self._baseline: LangChainFaissBaseline | None = None
        self._baseline_lock = threading.Lock()

    # ---- starting runs ----

    def submit(self, filename: str, data: bytes, created_by: str) -> EvalRunRecord:
        """Validate the whole file first (DatasetError lists every bad row; nothing is stored), then queue it.

        Blocking work (reading, validating, writing the upload): call it from a worker thread, never the loop."""
        name = safe_file_name(filename)
        kind, items = load_bytes(name, data, self.assistant.settings.api.max_question_chars, self.limits)
        if len(items) > self.max_items:
            raise DatasetError(
                f"题集 {name} 有 {len(items)} 条，超过单次评测上限 {self.max_items} 条，请拆分后上传",
                [RowProblem(None, "", f"最多 {self.max_items} 条")],
            )
        run_id = uuid.uuid4().hex[:12]
        folder = self.root / run_id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        record = self.store.create(run_id, name, kind, len(items), name, created_by)
        self._enqueue(run_id)
        return record

    def resume(self) -> list[str]:
        """Queue again the runs a stopped service left unfinished (they start from the first item).

        Only runs whose upload is in this service's data folder: a run of another service that shares the
        database but not the folder is never taken over (one service per data folder).
        """
        ids = []
        for record in self.store.unfinished():
            if not (self.root / record.id / record.file_name).is_file():
                continue
            self.store.requeue(record.id)
            self._enqueue(record.id)
            ids.append(record.id)
        return ids

    def _enqueue(self, run_id: str) -> Future[None]:
        return self.executor.submit(self._run, run_id)

    def shutdown(self) -> None:
        """Stop taking work; a run in progress is left unfinished and resumed at the next start."""
        self.executor.shutdown(wait=False, cancel_futures=True)

    # ---- running ----

    def baseline(self) -> LangChainFaissBaseline:
        """The LangChain+FAISS baseline is the same for every run: embed the corpus once."""
        with self._baseline_lock:
            if self._baseline is None:
                corpus = self.assistant.corpus
                self._baseline = LangChainFaissBaseline(
                    corpus.passages, corpus.retriever.encoder, self.root / "baseline_vectors.npz"
                )
            return self._baseline

    def _run(self, run_id: str) -> None:
        record = self.store.get(run_id)
        if record is None or record.status != "queued":
            return
        folder = self.root / run_id
        upload = folder / record.file_name
        if not upload.exists():
            self.store.fail(run_id, f"找不到上传的题集文件 {record.file_name}，请重新上传。")
            return
        self.store.start(run_id)
        try:
            run = run_sets(
                self.assistant,
                [upload],
                progress=False,
                on_progress=lambda done, _total: self.store.progress(run_id, done),
                baseline=self.baseline(),
                caller=self.caller_of(record),
            )
            metrics = summarise(run)
            rows = result_rows(run)
            write_report(folder, metrics, rows)
            write_results_xlsx(folder / "results.xlsx", rows)
            self.store.finish(run_id, run.info, headline(metrics))
        except (AssistantError, DatasetError) as exc:  # a reason the user can act on, in Chinese
            log.warning("eval run %s stopped: %s", run_id, exc.message)
            self.store.fail(run_id, f"评测未能完成：{exc.message}")
        except Exception:  # a failed run is reported on the run (in Chinese; the trace goes to the log only)
            log.exception("eval run %s failed", run_id)
            self.store.fail(run_id, f"评测运行出错（服务日志中记有评测 {run_id} 的详细原因），请联系管理员。")

    def caller_of(self, record: EvalRunRecord) -> Principal:
        """The uploader, as the run's audit entries name it: its key hash, channel `eval`, client `job:<id>`."""
        return replace(self.act_as(record.created_by), client=f"job:{record.id}", channel="eval")

    def delete(self, run_id: str) -> None:
        """Forget a run: its row and its folder (the upload, results and reports)."""
        self.store.delete(run_id)
        folder = self.folder(run_id).resolve()
        if folder.parent == self.root.resolve() and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)

    # ---- reading results ----

    def folder(self, run_id: str) -> Path:
        return self.root / run_id

    def file(self, run_id: str, name: str) -> Path:
        """A finished run's file; RunFilesMissing when the data folder no longer holds it."""
        path = self.folder(run_id) / name
        if not path.is_file():
            raise RunFilesMissing(f"评测 {run_id} 的结果文件 {name} 不在数据目录中（可能已被删除）。")
        return path

    def metrics(self, run_id: str) -> dict[str, Any]:
        return dict(json.loads(self.file(run_id, "metrics.json").read_text("utf-8")))

    def rows(self, run_id: str) -> list[dict[str, Any]]:
        text = self.file(run_id, "results.jsonl").read_text("utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]
