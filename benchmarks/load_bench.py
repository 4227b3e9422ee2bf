"""Load on loopback: 200 concurrent questions of mixed kinds against 1 worker and against 2 workers.

Starts `credit-assistant serve --no-ui --workers N` over a temporary data directory (or `--data-dir`, kept
between runs so the index is built once), fires all questions at once (policy questions without a key;
subject status and repair plans with a key) and prints connection errors, 503s (the intended backpressure)
with their latency (p50/p95/max), other 5xx, p50/p95 of the accepted questions, the latency of /healthz
asked every 20 ms during the burst, throughput and the RSS of every worker. A second round lets each client
honour Retry-After until answered. Each round is repeated `--rounds` times. The client is a minimal raw
HTTP/1.1 client on asyncio streams (request bytes prepared beforehand, one connection per request), so
what is timed is the server, not a client library's own work. Then the same server count once more with
`CREDIT_API__MAX_IN_FLIGHT=0` (every question refused): the refusal path's latency alone and the servers' CPU
per refusal, which does not depend on what else the machine runs. Asserts nothing.

    python benchmarks/load_bench.py [--workers 1 2] [--rounds 3] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-key"
CONCURRENT = 200
HEALTH_EVERY = 0.02  # seconds between /healthz probes during a burst
T = TypeVar("T")


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
    health: list[float] = field(default_factory=list)  # /healthz latencies during the burst

    def summary(self) -> str:
        accepted = sorted(o.last for o in self.outcomes if o.status == 200)
        refused = sorted(o.last for o in self.outcomes if o.status == 503)
        waited = sorted(o.seconds for o in self.outcomes if o.status == 200)
        errors = sum(o.status is None for o in self.outcomes)
        other = sum(o.status is not None and o.status >= 500 and o.status != 503 for o in self.outcomes)
        client = sum(o.status is not None and 400 <= o.status < 500 for o in self.outcomes)
        retries = sum(o.attempts - 1 for o in self.outcomes)
        health = sorted(self.health)
        return (
            f"accepted {len(accepted)}, 503 {len(refused)}, other 5xx {other}, 4xx {client}, "
            f"connection errors {errors}; 503 latency p50 {ms(refused, 0.5)} / p95 {ms(refused, 0.95)} / "
            f"max {ms(refused, 1.0)}; accepted p50 {ms(accepted, 0.5)} / p95 {ms(accepted, 0.95)} "
            f"(incl. waiting for retries p95 {ms(waited, 0.95)}); /healthz during the burst p50 "
            f"{ms(health, 0.5)} / p95 {ms(health, 0.95)} / max {ms(health, 1.0)} ({len(health)} probes); "
            f"throughput {len(accepted) / self.wall:.1f} answers/s (wall {self.wall:.1f} s, retries {retries})"
        )


def percentile(values: list[float], fraction: float) -> float:
    return values[max(0, round(fraction * len(values)) - 1)] if values else float("nan")


def ms(values: list[float], fraction: float) -> str:
    value = percentile(values, fraction)
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def questions(data_dir: Path) -> list[tuple[dict, dict]]:
    """(body, headers) for CONCURRENT questions: a third policy, a third status, a third repair plan."""
    from sqlalchemy import text

    from connectors import RecordStore

    store = RecordStore.open(f"sqlite:///{data_dir / 'records.sqlite3'}", sample_subjects=0)
    with store.engine.connect() as connection:
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


def run_client(work: Coroutine[Any, Any, T]) -> T:
    """Run the client's coroutine on uvloop (the server's own loop; its per-connection cost is a fraction of
    asyncio's, so a burst's latencies are less the client's own queueing), on asyncio without it."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(work)
    return uvloop.run(work)


def request_bytes(method: str, path: str, body: dict | None = None, headers: dict | None = None) -> bytes:
    payload = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


async def send(port: int, raw: bytes) -> tuple[int, dict[str, str]]:
    """One request on its own connection; (status, headers) once the server has closed it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {
        k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in head[1:] if ":" in line)
    }
    return status, headers


async def one(port: int, raw: bytes, retry: bool) -> Outcome:
    started = time.perf_counter()
    attempts = 0
    while True:
        attempts += 1
        attempt = time.perf_counter()
        try:
            status, headers = await send(port, raw)
        except (OSError, ValueError, IndexError):
            return Outcome(None, time.perf_counter() - started, attempts=attempts)
        last = time.perf_counter() - attempt
        if status == 503 and retry:
            await asyncio.sleep(float(headers.get("retry-after", "1")))
            continue
        return Outcome(status, time.perf_counter() - started, last, headers.get("x-worker-pid", ""), attempts)


async def probe_health(port: int, until: asyncio.Event, seen: list[float]) -> None:
    raw = request_bytes("GET", "/healthz")
    while not until.is_set():
        started = time.perf_counter()
        try:
            status, _ = await send(port, raw)
            if status == 200:
                seen.append(time.perf_counter() - started)
        except OSError:
            pass
        await asyncio.sleep(HEALTH_EVERY)


async def fire(port: int, asked: list[tuple[dict, dict]], retry: bool) -> Round:
    raws = [request_bytes("POST", "/v1/ask", body, headers) for body, headers in asked]
    done, health = asyncio.Event(), list[float]()
    prober = asyncio.create_task(probe_health(port, done, health))
    started = time.perf_counter()
    outcomes = await asyncio.gather(*(one(port, raw, retry) for raw in raws))
    wall = time.perf_counter() - started
    done.set()
    await prober
    return Round(list(outcomes), wall, health)


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


def cpu_seconds(pids: set[str]) -> float:
    """User + system CPU time of the processes so far (clock ticks of /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def refusal_cost(port: int, pids: set[str], bursts: int = 5) -> str:
    """Bursts of CONCURRENT refusals (a server admitting nothing): their latency, and the servers' CPU per
    refusal — what the refusal path costs whatever else the machine runs."""
    raws = [request_bytes("POST", "/v1/ask", {"question": "开展诚信教育可以收费吗？"})] * CONCURRENT
    before, latencies = cpu_seconds(pids), []
    async def burst() -> list[Outcome]:
        return list(await asyncio.gather(*(one(port, r, False) for r in raws)))

    for _ in range(bursts):
        latencies += [o.last for o in run_client(burst()) if o.status == 503]
    per = (cpu_seconds(pids) - before) / max(len(latencies), 1)
    latencies.sort()
    return (
        f"{len(latencies)} refusals in {bursts} bursts of {CONCURRENT}: p50 {ms(latencies, 0.5)} / p95 "
        f"{ms(latencies, 0.95)} / max {ms(latencies, 1.0)}; server CPU {per * 1e6:.0f} µs per refusal "
        f"(a burst of {CONCURRENT} = {per * CONCURRENT * 1000:.0f} ms of one core)"
    )


def run(workers: int, data_dir: Path, rounds: int, refuse_all: bool = False) -> None:
    port = free_port()
    env = {
        **os.environ,
        "CREDIT_DATA_DIR": str(data_dir),
        "CREDIT_API__PORT": str(port),
        "CREDIT_API__API_KEYS": json.dumps([KEY]),
        "CREDIT_TODAY": "2026-11-23",
        "HF_HUB_OFFLINE": "1",
        **({"CREDIT_API__MAX_IN_FLIGHT": "0"} if refuse_all else {}),
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
        what = "refusing every question" if refuse_all else ""
        print(
            f"\n== {workers} worker(s) {what}: {len(ready)} ready after {time.perf_counter() - started:.0f} s"
        )
        if refuse_all:
            print(f"   refusal path alone (MAX_IN_FLIGHT=0): {refusal_cost(port, ready)}")
            return
        asked = questions(data_dir)
        warm_up(url, asked[:3], ready)
        for number in range(1, rounds + 1):
            print(
                f"   round {number}: load average before it {os.getloadavg()[0]:.1f} (other jobs share the cores)"
            )
            for retry in (False, True):
                result = run_client(fire(port, asked, retry))
                label = "clients retry after 503 (Retry-After)" if retry else "one attempt each"
                print(f"{CONCURRENT} concurrent, {label}: {result.summary()}")
                per_worker = {
                    pid: sum(o.pid == pid for o in result.outcomes if o.status == 200) for pid in ready
                }
                print(f"   answers per worker: {per_worker}")
        for pid in sorted(ready):
            print(f"   worker {pid}: {rss_mb(pid)}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to test")
    parser.add_argument("--rounds", type=int, default=3, help="bursts per worker count")
    parser.add_argument("--data-dir", type=Path, help="data folder to (re)use; default a temporary one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp)
        for workers in args.workers:
            run(workers, data_dir, args.rounds)
            run(workers, data_dir, 0, refuse_all=True)


if __name__ == "__main__":
    main()
