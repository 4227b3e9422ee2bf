"""Lookup by code and fuzzy name at scale (SQLite, and PostgreSQL when reachable), import throughput.

Usage: python benchmarks/records_bench.py [--subjects 1000000]. Prints percentiles; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, text

from assistant.subjects import detect_subjects
from connectors import RecordStore, SampleGenerator
from connectors.loading import clear_records, load_subject_batches

POSTGRES_URL = os.environ.get("CREDIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def percentiles(values: list[float]) -> str:
    return f"p50 {np.percentile(values, 50) * 1000:.2f} ms  p95 {np.percentile(values, 95) * 1000:.2f} ms"


def bench(url: str, subjects: int, lookups: int = 200) -> None:
    store = RecordStore.open(url, sample_subjects=0)
    clear_records(store.engine)
    generator = SampleGenerator(seed=1)
    started = time.perf_counter()
    rows = load_subject_batches(store.engine, generator.iter_subject_batches(subjects))
    seconds = time.perf_counter() - started
    print(
        f"[{store.engine.dialect.name}] inserted {rows} subjects in {seconds:.1f}s ({rows / seconds:,.0f} rows/s)"
    )
    with store.engine.connect() as connection:
        sample = [
            r[0]
            for r in connection.execute(text("SELECT uscc FROM subjects WHERE uscc IS NOT NULL LIMIT 5000"))
        ]
        names = [r[0] for r in connection.execute(text("SELECT name FROM subjects LIMIT 5000"))]
    rng = random.Random(0)
    by_code = []
    for code in rng.sample(sample, min(lookups, len(sample))):
        t = time.perf_counter()
        store.repository.by_uscc(code)
        by_code.append(time.perf_counter() - t)
    print(f"[{store.engine.dialect.name}] lookup by code: {percentiles(by_code)}")
    started = time.perf_counter()
    store.repository.by_name("预热")  # loads the name table once
    print(f"[{store.engine.dialect.name}] fuzzy name table load: {time.perf_counter() - started:.1f}s")
    fuzzy = []
    for name in rng.sample(names, min(20, len(names))):
        t = time.perf_counter()
        store.repository.by_name(name[:-3] + "公司")
        fuzzy.append(time.perf_counter() - t)
    print(f"[{store.engine.dialect.name}] fuzzy name lookup: {percentiles(fuzzy)}")
    detection(store, names, sample, rng)
    clear_records(store.engine)
    import_throughput(store)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


QUESTION_FRAMES = (
    "帮我查一下{}现在有没有失信记录",
    "我是{}的会计，想问下信用承诺制怎么办理？",
    "{}被罚过款，怎么做信用修复？",
    "朋友说{}上了黑名单，是真的吗？",
    "窗口来了{}的人，它能享受哪些激励措施？",
)


def detection(
    store: RecordStore, names: list[str], codes: list[str], rng: random.Random, questions: int = 300
) -> None:
    """Subject detection in a whole question (stored names, codes, unknown names) at this database size."""
    dialect = store.engine.dialect.name
    before = rss_mb()
    started = time.perf_counter()
    index = store.repository.name_index()
    print(
        f"[{dialect}] name filter: {len(index):,} names, built in {time.perf_counter() - started:.1f}s, "
        f"{index.hashes.nbytes / 2**20:.1f} MB array, RSS +{rss_mb() - before:.0f} MB (now {rss_mb():.0f} MB)"
    )
    texts = []
    for i in range(questions):
        frame = QUESTION_FRAMES[i % len(QUESTION_FRAMES)]
        kind = i % 3
        mention = (
            rng.choice(names)
            if kind == 0
            else rng.choice(codes)
            if kind == 1
            else "濮阳市不存在的测试有限公司"
        )
        texts.append(frame.format(mention))
    timings, found = [], 0
    for question in texts:
        t = time.perf_counter()
        found += bool(detect_subjects(question, store.repository.existing_names))
        timings.append(time.perf_counter() - t)
    print(
        f"[{dialect}] subject detection per question: {percentiles(timings)} ({found}/{len(texts)} with a mention)"
    )


def import_throughput(store: RecordStore, rows: int = 20_000) -> None:
    """The real importer (validation + upsert in one transaction) on a generated CSV."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["uscc", "name", "kind", "locality", "industry"])
    writer.writeheader()
    for batch in SampleGenerator(seed=2).iter_subject_batches(rows):
        for row in batch:
            if row["uscc"]:
                writer.writerow({k: row[k] for k in ("uscc", "name", "kind", "locality", "industry")})
    data = buffer.getvalue().encode()
    started = time.perf_counter()
    result = store.import_file("subjects.csv", data)
    seconds = time.perf_counter() - started
    print(
        f"[{store.engine.dialect.name}] CSV import: {result.rows} rows in {seconds:.1f}s ({result.rows / seconds:,.0f} rows/s)"
    )
    started = time.perf_counter()
    again = store.import_file("subjects.csv", data)
    seconds = time.perf_counter() - started
    print(
        f"[{store.engine.dialect.name}] re-import (idempotent, {again.unchanged} unchanged): {again.rows / seconds:,.0f} rows/s"
    )
    clear_records(store.engine)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench(f"sqlite:///{tmp}/bench.sqlite3", args.subjects)
    try:
        with create_engine(POSTGRES_URL).connect() as connection:
            connection.execute(text("select 1"))
    except Exception:
        print("PostgreSQL not reachable; skipped")
        return
    bench(POSTGRES_URL, args.subjects)


if __name__ == "__main__":
    main()
