"""Run the whole assistant (exactly what the API serves) over question sets and collect results."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tqdm import tqdm

from assistant.service import Assistant
from connectors import normalise_uscc
from corpus import fold
from evals.baselines import LangChainFaissBaseline
from evals.datasets import QAItem, RouteItem, load_set
from evals.metrics import (
    confusion,
    contains_gold,
    first_hit_rank,
    mean,
    must_include_coverage,
    percentiles,
    refusal_scores,
    retrieval_metrics,
)
from indexes import METHODS, read_manifest

RETRIEVAL_K = 10


@dataclass
class QAResult:
    id: str
    set: str
    type: str
    question: str
    route: str
    answer: str
    refused: bool
    citations: list[str]
    citation_hits: list[bool]
    must_include: float | None
    ranks: dict[str, int | None]
    seconds: float


@dataclass
class RouteResult:
    id: str
    set: str
    question: str
    gold_route: str
    route: str
    gold_subject: str | None
    subject: str | None
    subject_match: bool
    seconds: float


@dataclass
class EvalRun:
    qa: list[QAResult] = field(default_factory=list)
    routing: list[RouteResult] = field(default_factory=list)
    info: dict = field(default_factory=dict)


def same_subject(gold: str | None, found: str | None) -> bool:
    if gold is None or found is None:
        return gold is found
    return normalise_uscc(gold) == normalise_uscc(found) or fold(gold) == fold(found)


def run_qa_item(
    item: QAItem, set_name: str, assistant: Assistant, baseline: LangChainFaissBaseline
) -> QAResult:
    retriever = assistant.corpus.retriever
    ranks: dict[str, int | None] = {}
    for method in METHODS:
        texts = [h.passage.text for h in retriever.search(item.question, RETRIEVAL_K, method)]
        ranks[method] = first_hit_rank(texts, item.gold_quotes)
    ranks[baseline.name] = first_hit_rank(baseline.search(item.question, RETRIEVAL_K), item.gold_quotes)
    started = time.perf_counter()
    answer = assistant.ask(item.question)
    seconds = time.perf_counter() - started
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
        ranks=ranks if item.gold_quotes else {},
        seconds=seconds,
    )


def run_route_item(item: RouteItem, set_name: str, assistant: Assistant) -> RouteResult:
    started = time.perf_counter()
    answer = assistant.ask(item.question)
    seconds = time.perf_counter() - started
    decision = assistant.router.route(item.question)
    found = (
        decision.subject.text
        if decision.subject and decision.route in ("subject_status", "repair_steps", "applicable_measures")
        else None
    )
    return RouteResult(
        item.id,
        set_name,
        item.question,
        item.route,
        answer.route,
        item.subject,
        found,
        same_subject(item.subject, found),
        seconds,
    )


def run_sets(assistant: Assistant, paths: list[Path], progress: bool = True) -> EvalRun:
    """Validate every set first (nothing runs half-way), then run them."""
    loaded = [(path, *load_set(path)) for path in paths]
    baseline = LangChainFaissBaseline(assistant.corpus.passages, assistant.corpus.retriever.encoder)
    run = EvalRun(info=run_info(assistant, paths))
    total = sum(len(items) for _, _, items in loaded)
    with tqdm(total=total, desc="评测", unit="题", disable=not progress) as bar:
        for path, kind, items in loaded:
            for item in items:
                if kind == "qa":
                    run.qa.append(run_qa_item(item, path.name, assistant, baseline))  # type: ignore[arg-type]
                else:
                    run.routing.append(run_route_item(item, path.name, assistant))  # type: ignore[arg-type]
                bar.update()
    return run


def run_info(assistant: Assistant, paths: list[Path]) -> dict:
    manifest = read_manifest(assistant.settings.index_dir)
    return {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "sets": [str(p) for p in paths],
        "corpus_hash": manifest.get("corpus_hash"),
        "encoder": manifest.get("encoder"),
        "encoder_version": manifest.get("encoder_version"),
        "dictionary_hash": manifest.get("dictionary_hash"),
        "index_built_at": manifest.get("built_at"),
        "today": assistant.today.isoformat(),
        "sample_seed": assistant.settings.database.sample_seed,
    }


def qa_metrics(results: list[QAResult]) -> dict:
    answerable = [r for r in results if r.type != "unanswerable"]
    hits = [h for r in answerable for h in r.citation_hits]
    return {
        "questions": len(results),
        "must_include": mean(r.must_include for r in answerable),
        "citation_precision": sum(hits) / len(hits) if hits else None,
        **refusal_scores((r.type == "unanswerable", r.refused) for r in results),
        "hybrid_recall@5": retrieval_metrics([r.ranks["hybrid"] for r in results if r.ranks]).get("recall@5"),
        "latency_p50": percentiles([r.seconds for r in results]).get("p50"),
        "latency_p95": percentiles([r.seconds for r in results]).get("p95"),
    }


def summarise(run: EvalRun) -> dict:
    with_gold = [r for r in run.qa if r.ranks]
    methods = [*METHODS, "langchain_faiss"]
    by_type: dict[str, list[QAResult]] = defaultdict(list)
    for r in run.qa:
        by_type[r.type].append(r)
    routing = {
        "questions": len(run.routing),
        "routing_accuracy": mean(float(r.route == r.gold_route) for r in run.routing),
        "subject_accuracy": mean(float(r.subject_match) for r in run.routing),
        "confusion": confusion((r.gold_route, r.route) for r in run.routing),
        "by_route": {
            route: mean(float(r.route == r.gold_route) for r in run.routing if r.gold_route == route)
            for route in sorted({r.gold_route for r in run.routing})
        },
    }
    overall = {
        **qa_metrics(run.qa),
        "routing_accuracy": routing["routing_accuracy"],
        "subject_accuracy": routing["subject_accuracy"],
    }
    return {
        "run": run.info,
        "overall": overall,
        "retrieval": {m: retrieval_metrics([r.ranks.get(m) for r in with_gold]) for m in methods}
        if with_gold
        else {},
        "by_type": {t: qa_metrics(items) for t, items in sorted(by_type.items())},
        "routing": routing,
        "latency": {
            "qa": percentiles([r.seconds for r in run.qa]),
            "routing": percentiles([r.seconds for r in run.routing]),
        },
    }


def result_rows(run: EvalRun) -> list[dict]:
    return [{"kind": "qa", **asdict(r)} for r in run.qa] + [
        {"kind": "routing", **asdict(r)} for r in run.routing
    ]
