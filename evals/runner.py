"""Run the whole assistant (exactly what the API serves) over question sets and collect results."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tqdm import tqdm

from assistant.access import Principal, local_operator
from assistant.models import Answer, Citation
from assistant.policy_qa.answerability import MODEL_FILE as ANSWERABILITY_FILE
from assistant.service import Assistant
from connectors import normalise_uscc
from corpus import fold
from evals.baselines import LangChainFaissBaseline
from evals.datasets import DialogItem, Item, QAItem, RouteItem, load_set
from evals.metrics import SUBJECT_ROUTES, contains_gold, first_hit_rank, must_include_coverage
from evals.results import EvalRun, QAResult, RouteResult, TurnResult
from evals.summary import qa_metrics, summarise
from evals.verdicts import verdict_of
from indexes import METHODS, read_manifest

__all__ = [
    "EvalRun",
    "Progress",
    "QAResult",
    "RouteResult",
    "TurnResult",
    "qa_metrics",
    "result_rows",
    "run_dialog_item",
    "run_qa_item",
    "run_route_item",
    "run_sets",
    "same_subject",
    "summarise",
]

RETRIEVAL_K = 10
Progress = Callable[[int, int], None]  # (items done, items in all), called after each item


def same_subject(gold: str | None, found: str | None) -> bool:
    if gold is None or found is None:
        return gold is found
    return normalise_uscc(gold) == normalise_uscc(found) or fold(gold) == fold(found)


def predicted_subject(answer: Answer) -> str | None:
    """The subject as the user wrote it (or carried from an earlier turn), on subject routes only."""
    return answer.subject_mention if answer.route in SUBJECT_ROUTES else None


def timed_ask(
    assistant: Assistant, question: str, caller: Principal, conversation_id: str | None = None
) -> tuple[Answer, float]:
    """Ask as `caller`: a run sees exactly the records its starter may see, and its lookups are audited so."""
    started = time.perf_counter()
    answer = assistant.ask(question, conversation_id=conversation_id, caller=caller)
    return answer, time.perf_counter() - started


def retrieval_ranks(
    item: QAItem, assistant: Assistant, baseline: LangChainFaissBaseline
) -> dict[str, int | None]:
    if not item.gold_quotes:
        return {}
    retriever = assistant.corpus.retriever
    ranks: dict[str, int | None] = {}
    for method in METHODS:
        texts = [h.passage.text for h in retriever.search(item.question, RETRIEVAL_K, method)]
        ranks[method] = first_hit_rank(texts, item.gold_quotes)
    ranks[baseline.name] = first_hit_rank(baseline.search(item.question, RETRIEVAL_K), item.gold_quotes)
    return ranks


def missing_terms(answer: str, must_include: list[str]) -> list[str]:
    return [term for term in must_include if not must_include_coverage(answer, [term])]


def source(citation: Citation) -> dict[str, Any]:
    """What a reader needs to check a cited passage: document, 文号, section and the quoted sentence."""
    return {
        "number": citation.number,
        "title": citation.title,
        "doc_number": citation.doc_number,
        "section_path": citation.section_path,
        "passage_id": citation.passage_id,
        "quote": citation.quote,
    }


def run_qa_item(
    item: QAItem, set_name: str, assistant: Assistant, baseline: LangChainFaissBaseline, caller: Principal
) -> QAResult:
    ranks = retrieval_ranks(item, assistant, baseline)
    answer, seconds = timed_ask(assistant, item.question, caller)
    return QAResult(
        id=item.id,
        set=set_name,
        type=item.type,
        question=item.question,
        route=answer.route,
        answer=answer.text,
        refused=answer.refused,
        citations=[c.passage_id for c in answer.citations],
        citation_hits=[contains_gold(c.passage, item.gold_quotes) for c in answer.citations]
        if item.gold_quotes
        else [],
        must_include=None if item.unanswerable else must_include_coverage(answer.text, item.must_include),
        ranks=ranks,
        seconds=seconds,
        split=item.split,
        missing=[] if item.unanswerable else missing_terms(answer.text, item.must_include),
        expected=list(item.must_include),
        sources=[source(c) for c in answer.citations],
    )


def run_route_item(item: RouteItem, set_name: str, assistant: Assistant, caller: Principal) -> RouteResult:
    answer, seconds = timed_ask(assistant, item.question, caller)
    found = predicted_subject(answer)
    return RouteResult(
        id=item.id,
        set=set_name,
        question=item.question,
        gold_route=item.route,
        route=answer.route,
        gold_subject=item.subject,
        subject=found,
        subject_match=same_subject(item.subject, found),
        seconds=seconds,
        split=item.split,
        answer=answer.text,
    )


def run_dialog_item(
    item: DialogItem, set_name: str, assistant: Assistant, caller: Principal
) -> list[TurnResult]:
    """Every turn in one conversation: the first answer's conversation_id is passed on."""
    conversation_id: str | None = None
    results = []
    for number, turn in enumerate(item.turns, 1):
        answer, seconds = timed_ask(assistant, turn.question, caller, conversation_id)
        conversation_id = answer.conversation_id or conversation_id
        found = predicted_subject(answer)
        results.append(
            TurnResult(
                dialog_id=item.id,
                turn=number,
                set=set_name,
                question=turn.question,
                gold_route=turn.route,
                route=answer.route,
                gold_subject=turn.subject,
                subject=found,
                subject_match=same_subject(turn.subject, found),
                seconds=seconds,
                split=item.split,
                conversation_id=conversation_id or "",
                answer=answer.text,
            )
        )
    return results


def run_item(
    item: Item,
    set_name: str,
    assistant: Assistant,
    baseline: LangChainFaissBaseline,
    run: EvalRun,
    caller: Principal,
) -> None:
    if isinstance(item, QAItem):
        run.qa.append(run_qa_item(item, set_name, assistant, baseline, caller))
    elif isinstance(item, RouteItem):
        run.routing.append(run_route_item(item, set_name, assistant, caller))
    else:
        run.dialog.extend(run_dialog_item(item, set_name, assistant, caller))


def run_sets(
    assistant: Assistant,
    paths: list[Path],
    progress: bool = True,
    on_progress: Progress | None = None,
    baseline: LangChainFaissBaseline | None = None,
    caller: Principal | None = None,
) -> EvalRun:
    """Validate every set first (nothing runs half-way), then run them.

    `progress` draws a terminal bar (the CLI); `on_progress(done, total)` is told after each item (the API's
    background runs); a `baseline` built once can be handed in so that each run need not embed the corpus again.
    Every question is asked as `caller` — the API's runs pass the uploader; None is the local operator (CLI).
    """
    caller = caller or local_operator("eval")
    limit = assistant.settings.api.max_question_chars  # the same limit the assistant applies to each question
    loaded = [(path, load_set(path, limit)[1]) for path in paths]
    if baseline is None:
        baseline = LangChainFaissBaseline(assistant.corpus.passages, assistant.corpus.retriever.encoder)
    run = EvalRun(info=run_info(assistant, paths))
    total = sum(len(items) for _, items in loaded)
    done = 0
    if on_progress is not None:
        on_progress(done, total)
    with tqdm(total=total, desc="评测", unit="题", disable=not progress) as bar:
        for path, items in loaded:
            for item in items:
                run_item(item, path.name, assistant, baseline, run, caller)
                bar.update()
                done += 1
                if on_progress is not None:
                    on_progress(done, total)
    return run


def answerability_hash() -> str | None:
    """The data hash the shipped answerability model was fitted on (which model version answered)."""
    try:
        return json.loads(ANSWERABILITY_FILE.read_text("utf-8")).get("data_hash")
    except (OSError, ValueError):
        return None


def run_info(assistant: Assistant, paths: list[Path]) -> dict[str, Any]:
    manifest = read_manifest(assistant.settings.index_dir)
    settings = assistant.settings
    return {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "sets": [str(p) for p in paths],
        "corpus_hash": manifest.get("corpus_hash"),
        "encoder": manifest.get("encoder"),
        "encoder_version": manifest.get("encoder_version"),
        "dictionary_hash": manifest.get("dictionary_hash"),
        "index_built_at": manifest.get("built_at"),
        "today": assistant.today.isoformat(),
        "sample_seed": settings.database.sample_seed,
        "answerability_hash": answerability_hash(),
        "retrieval": settings.retrieval.model_dump(),
        "llm_model": settings.llm.model if settings.llm.enabled else None,
    }


def result_row(kind: str, result: QAResult | RouteResult | TurnResult) -> dict[str, Any]:
    verdict = verdict_of(result)
    return {
        "kind": kind,
        **asdict(result),
        "passed": verdict.passed,
        "reasons": verdict.reasons,
        "failures": verdict.failures,
    }


def result_rows(run: EvalRun) -> list[dict[str, Any]]:
    """results.jsonl: one row per QA question, routing question and dialog turn, each with its verdict."""
    return (
        [result_row("qa", r) for r in run.qa]
        + [result_row("routing", r) for r in run.routing]
        + [result_row("dialog", t) for t in run.dialog]
    )
