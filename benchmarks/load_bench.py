"""Load on loopback: 200 concurrent questions of mixed kinds against 1 worker and against 2 workers.

Starts `credit-assistant serve --no-ui --workers N` over a temporary data directory, fires all questions at
once (policy questions without a key; subject status and repair plans with a key), and prints connection
errors, 503s (the intended backpressure), other 5xx, p50/p95 of the accepted questions, throughput and the
RSS of every worker. A second round lets each client honour Retry-After until answered. Asserts nothing.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-key"
CONCURRENT = 200


@dataclass
class Outcome:
    status: int | None  # None: connection error
    seconds: float  # from the first attempt to the final response
    last: float = 0.0  # the final attempt alone (the latency of an accepted question)
    pid: str = ""
    attempts: int = 1


@dataclass
class Round:
    outcomes: list[Outcome] = field(default_factory=list)
    wall: float = 0.0

    def summary(self) -> str:
        accepted = sorted(o.last for o in self.outcomes if o.status == 200)
        waited = sorted(o.seconds for o in self.outcomes if o.status == 200)
        errors = sum(o.status is None for o in self.outcomes)
        refused = sum(o.status == 503 for o in self.outcomes)
        other = sum(o.status is not None and o.status >= 500 and o.status != 503 for o in self.outcomes)
        client = sum(o.status is not None and 400 <= o.status < 500 for o in self.outcomes)
        p50 = statistics.median(accepted) if accepted else float("nan")
        p95 = percentile(accepted, 0.95)
        retries = sum(o.attempts - 1 for o in self.outcomes)
        return (
            f"accepted {len(accepted)}, 503 {refused}, other 5xx {other}, 4xx {client}, connection errors {errors}, "
            f"accepted p50 {p50:.2f} s, p95 {p95:.2f} s (incl. waiting for retries p95 "
            f"{percentile(waited, 0.95):.2f} s), throughput {len(accepted) / self.wall:.1f} answers/s "
            f"(wall {self.wall:.1f} s, retries {retries})"
        )


def percentile(values: list[float], fraction: float) -> float:
    return values[max(0, round(fraction * len(values)) - 1)] if values else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def questions(data_dir: Path) -> list[tuple[dict, dict]]:
    """(body, headers) for CONCURRENT questions: a third policy, a third status, a third repair plan."""
    from connectors import RecordStore

    store = RecordStore.open(f"sqlite:///{data_dir / 'records.sqlite3'}", sample_subjects=0)
    with store.engine.connect() as connection:
        from sqlalchemy import text

        names = [
            row[0] for row in connection.execute(text("SELECT name FROM subjects ORDER BY id LIMIT 200"))
        ]
    store.engine.dispose()
    policy = [
        json.loads(line)["question"]
        for line in (ROOT / "evals" / "data" / "qa_dev2.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    keyed = {"X-API-Key": KEY}
    asked: list[tuple[dict, dict]] = []
    for i in range(CONCURRENT):
        name = names[i % len(names)]
        kind = i % 3
        if kind == 0:
            asked.append(({"question": policy[i % len(policy)]}, {}))
        elif kind == 1:
            asked.append(({"question": f"{name}的信用状况怎么样？"}, keyed))
        else:
            asked.append(({"question": f"{name}怎么修复信用？"}, keyed))
    return asked


async def one(client: httpx.AsyncClient, body: dict, headers: dict, retry: bool) -> Outcome:
    started = time.perf_counter()
    attempts = 0
    while True:
        attempts += 1
        attempt = time.perf_counter()
        try:
            response = await client.post("/v1/ask", json=body, headers=headers)
        except httpx.HTTPError:
            return Outcome(None, time.perf_counter() - started, attempts=attempts)
        last = time.perf_counter() - attempt
        if response.status_code == 503 and retry:
            await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
            continue
        pid = response.headers.get("X-Worker-Pid", "")
        return Outcome(response.status_code, time.perf_counter() - started, last, pid, attempts)


async def fire(url: str, asked: list[tuple[dict, dict]], retry: bool) -> Round:
    limits = httpx.Limits(max_connections=CONCURRENT, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        started = time.perf_counter()
        outcomes = await asyncio.gather(*(one(client, b, h, retry) for b, h in asked))
        return Round(list(outcomes), time.perf_counter() - started)


def rss_mb(pid: str) -> str:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "gone"
    values = {
        line.split(":")[0]: int(line.split()[1]) for line in status.splitlines() if line.endswith(" kB")
    }
    return f"RSS {values['VmRSS'] / 1024:.0f} MB (anonymous {values.get('RssAnon', 0) / 1024:.0f} MB)"


def warm_up(url: str, kinds: list[tuple[dict, dict]], workers: set[str], attempts: int = 200) -> None:
    """Each worker answers each kind of question once before timing (first calls load lazy parts)."""
    answered: set[tuple[str, int]] = set()
    for n in range(attempts):
        body, headers = kinds[n % len(kinds)]
        response = httpx.post(url + "/v1/ask", json=body, headers=headers, timeout=120)
        answered.add((response.headers.get("X-Worker-Pid", ""), n % len(kinds)))
        if len(answered & {(pid, k) for pid in workers for k in range(len(kinds))}) == len(workers) * len(
            kinds
        ):
            return


def wait_ready(url: str, workers: int, timeout: float = 1800) -> set[str]:
    ready: set[str] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(ready) < workers:
        try:
            response = httpx.get(url + "/readyz", timeout=5)
            if response.status_code == 200:
                ready.add(response.headers["X-Worker-Pid"])
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return ready


def run(workers: int, data_dir: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "CREDIT_DATA_DIR": str(data_dir),
        "CREDIT_API__PORT": str(port),
        "CREDIT_API__API_KEYS": json.dumps([KEY]),
        "CREDIT_TODAY": "2026-11-23",
        "HF_HUB_OFFLINE": "1",
    }
    command = [
        str(Path(sys.executable).parent / "credit-assistant"),
        "serve",
        "--no-ui",
        "--workers",
        str(workers),
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        started = time.perf_counter()
        ready = wait_ready(url, workers)
        print(f"\n== {workers} worker(s): {len(ready)} ready after {time.perf_counter() - started:.0f} s")
        asked = questions(data_dir)
        warm_up(url, asked[:3], ready)
        print(f"   load average before the run: {os.getloadavg()[0]:.1f} (other processes share the cores)")
        for retry in (False, True):
            result = asyncio.run(fire(url, asked, retry))
            label = "clients retry after 503 (Retry-After)" if retry else "one attempt each"
            print(f"{CONCURRENT} concurrent, {label}: {result.summary()}")
            per_worker = {pid: sum(o.pid == pid for o in result.outcomes if o.status == 200) for pid in ready}
            print(f"   answers per worker: {per_worker}")
        for pid in sorted(ready):
            print(f"   worker {pid}: {rss_mb(pid)}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=120)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        for workers in (1, 2):
            run(workers, data_dir)


if __name__ == "__main__":
    main()
