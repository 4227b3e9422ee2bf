"""Load on loopback: 200 concurrent questions of mixed kinds against 1 worker and against 2 workers.

Starts `credit-assistant serve --no-ui --workers N` over a temporary data directory (or `--data-dir`, kept
between runs so the index is built once) and waits until every worker answers in its answering processes
(`CREDIT_API__ANSWER_PROCESSES`, 2 by default; 0 answers on threads of the worker). It fires all questions at
once (policy questions without a key; subject status and repair plans with a key) and prints connection
errors, 503s (the intended backpressure) with their latency (p50/p95/max), other 5xx, p50/p95 of the accepted
questions, the latency of /healthz asked every 20 ms during the burst, throughput and the RSS of every worker
and answering process. A second round lets each client honour Retry-After (plus up to `--jitter` seconds at
random, 1 by default, as well-behaved clients do) until answered. Each round is
repeated `--rounds` times. Then the same server count once more with `CREDIT_API__MAX_IN_FLIGHT=0` (every
question refused): the refusal path's latency alone and the servers' CPU per refusal.

The client shares the two cores with the server, as a burst of 200 remote terminals would not. So it runs at
a higher priority (`--client-nice`, -10; the server at 0, its answering processes lower still), sends
prepared request bytes on raw sockets (one connection per request), and times each request from its last
byte sent to the response's last byte *arriving* — the kernel's receive timestamp (SO_TIMESTAMPNS) — which
is what a client on another machine would see; when this client's own loop gets round to reading it is
printed beside (“as this client's loop read them”). Asserts nothing.

    python benchmarks/load_bench.py [--workers 1 2] [--rounds 3] [--data-dir DIR] [--client-nice -10] [--jitter 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import struct
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
# A retrying client waits Retry-After plus a random share of this (seconds), as well-behaved clients do: 200
# clients refused within the same few milliseconds that all came back exactly Retry-After later would meet
# again as one wave, of which a worker admits only its MAX_IN_FLIGHT — `--jitter 0` shows that herd.
RETRY_JITTER = 1.0
T = TypeVar("T")


@dataclass
class Outcome:
    status: int | None  # None: connection error
    seconds: float  # from the first attempt to the final response
    last: float = 0.0  # the final attempt alone, request sent to response arrived (kernel receive time)
    pid: str = ""
    attempts: int = 1
    seen: float = 0.0  # the final attempt as this client's loop saw it: connect to having read the response


@dataclass
class Round:
    outcomes: list[Outcome] = field(default_factory=list)
    wall: float = 0.0
    health: list[float] = field(default_factory=list)  # /healthz latencies during the burst

    def summary(self) -> str:
        accepted = sorted(o.last for o in self.outcomes if o.status == 200)
        refused = sorted(o.last for o in self.outcomes if o.status == 503)
        refused_seen = sorted(o.seen for o in self.outcomes if o.status == 503)
        waited = sorted(o.seconds for o in self.outcomes if o.status == 200)
        errors = sum(o.status is None for o in self.outcomes)
        other = sum(o.status is not None and o.status >= 500 and o.status != 503 for o in self.outcomes)
        client = sum(o.status is not None and 400 <= o.status < 500 for o in self.outcomes)
        retries = sum(o.attempts - 1 for o in self.outcomes)
        health = sorted(self.health)
        return (
            f"accepted {len(accepted)}, 503 {len(refused)}, other 5xx {other}, 4xx {client}, "
            f"connection errors {errors}; 503 latency p50 {ms(refused, 0.5)} / p95 {ms(refused, 0.95)} / "
            f"max {ms(refused, 1.0)} (as this client's loop read them: p50 {ms(refused_seen, 0.5)} / p95 "
            f"{ms(refused_seen, 0.95)}); accepted p50 {ms(accepted, 0.5)} / p95 {ms(accepted, 0.95)} "
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


SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux: the kernel stamps each received segment


def arrival(ancillary: list[tuple[int, int, bytes]]) -> float | None:
    """The kernel's receive time (CLOCK_REALTIME) of a segment, from recvmsg's SCM_TIMESTAMPNS."""
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
            seconds, nanoseconds = struct.unpack("qq", data[:16])
            return seconds + nanoseconds * 1e-9
    return None


async def readable(sock: socket.socket) -> None:
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    loop.add_reader(sock.fileno(), lambda: ready.done() or ready.set_result(None))
    try:
        await ready
    finally:
        loop.remove_reader(sock.fileno())


async def send(port: int, raw: bytes) -> tuple[int, dict[str, str], float]:
    """One request on its own connection: (status, headers, seconds from the request's last byte sent to the
    response's last byte arriving at this socket, by the kernel's receive timestamp) once the server has
    closed it. The arrival time is what a client on another machine sees; when this co-located client's loop
    reads the bytes later is its own queueing, not the server's latency."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    try:
        await loop.sock_connect(sock, ("127.0.0.1", port))
        await loop.sock_sendall(sock, raw)
        sent, last, data = time.time(), None, b""
        while True:
            await readable(sock)
            try:
                chunk, ancillary, _, _ = sock.recvmsg(65536, socket.CMSG_SPACE(16))
            except BlockingIOError:
                continue
            if not chunk:
                break
            data += chunk
            last = arrival(ancillary) or time.time()
    finally:
        sock.close()
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {
        k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in head[1:] if ":" in line)
    }
    return status, headers, (last or time.time()) - sent


async def one(port: int, raw: bytes, retry: bool) -> Outcome:
    started = time.perf_counter()
    attempts = 0
    while True:
        attempts += 1
        attempt = time.perf_counter()
        try:
            status, headers, arrived = await send(port, raw)
        except (OSError, ValueError, IndexError):
            return Outcome(None, time.perf_counter() - started, attempts=attempts)
        last, seen = arrived, time.perf_counter() - attempt
        if status == 503 and retry:
            await asyncio.sleep(float(headers.get("retry-after", "1")) + random.uniform(0, RETRY_JITTER))
            continue
        return Outcome(
            status, time.perf_counter() - started, last, headers.get("x-worker-pid", ""), attempts, seen
        )


async def probe_health(port: int, until: asyncio.Event, seen: list[float]) -> None:
    raw = request_bytes("GET", "/healthz")
    while not until.is_set():
        try:
            status, _, arrived = await send(port, raw)
            if status == 200:
                seen.append(arrived)
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


def answering_children(pid: str) -> list[str]:
    """The worker's answering processes (spawned children running multiprocessing's spawn_main)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    found = []
    for child in children:
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
        except OSError:
            continue
    return found


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


def wait_ready(url: str, workers: int, processes: bool, timeout: float = 1800) -> set[str]:
    """The pids of `workers` ready workers (with `processes`: once they answer in their answering processes)."""
    ready: set[str] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(ready) < workers:
        try:
            response = httpx.get(url + "/readyz", timeout=5)
            if response.status_code == 200 and (not processes or response.json()["answering"] == "processes"):
                ready.add(response.headers["X-Worker-Pid"])
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return ready


def answer_processes(env: dict[str, str]) -> int:
    """Answering processes per worker the server runs (the setting's default unless the environment says)."""
    from assistant.settings import ApiSettings

    return int(env.get("CREDIT_API__ANSWER_PROCESSES", ApiSettings().answer_processes))


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
        # refusing everything: nothing to answer, so no answering processes loading beside the bursts
        **({"CREDIT_API__MAX_IN_FLIGHT": "0", "CREDIT_API__ANSWER_PROCESSES": "0"} if refuse_all else {}),
    }
    command = [
        str(Path(sys.executable).parent / "credit-assistant"),
        "serve",
        "--no-ui",
        "--workers",
        str(workers),
    ]
    server = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        preexec_fn=lambda: os.setpriority(os.PRIO_PROCESS, 0, 0),  # the server at normal priority
    )
    url = f"http://127.0.0.1:{port}"
    try:
        started = time.perf_counter()
        ready = wait_ready(url, workers, answer_processes(env) > 0 and not refuse_all)
        what = "refusing every question" if refuse_all else ""
        answering = f", {answer_processes(env)} answering process(es) each" if not refuse_all else ""
        print(
            f"\n== {workers} worker(s){answering} {what}: {len(ready)} ready after "
            f"{time.perf_counter() - started:.0f} s"
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
            for child in answering_children(pid):
                print(f"     its answering process {child}: {rss_mb(child)}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to test")
    parser.add_argument("--rounds", type=int, default=3, help="bursts per worker count")
    parser.add_argument("--data-dir", type=Path, help="data folder to (re)use; default a temporary one")
    parser.add_argument(
        "--client-nice", type=int, default=-10, help="the client's own priority (needs root below 0)"
    )
    parser.add_argument(
        "--jitter", type=float, default=RETRY_JITTER, help="seconds of random extra wait after Retry-After"
    )
    args = parser.parse_args()
    globals()["RETRY_JITTER"] = args.jitter
    try:
        os.setpriority(os.PRIO_PROCESS, 0, args.client_nice)
    except PermissionError:
        print("   (the client could not raise its priority: it shares the cores as an equal)")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp)
        for workers in args.workers:
            run(workers, data_dir, args.rounds)
            run(workers, data_dir, 0, refuse_all=True)


if __name__ == "__main__":
    main()
