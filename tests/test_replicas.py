"""Serving replicas: two server processes share one PostgreSQL database and one index store (CREDIT_STORE_DIR)
but not a data folder; a document uploaded through one is answered by the other."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from indexes.embedding_cache import CACHE_DIR
from indexes.token_cache import CACHE_DIR as TOKEN_CACHE_DIR
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES, postgres_available, reset_postgres
from tests.conftest_helpers import free_port
from tests.test_index_swap import NEW_DOCUMENT, ONLY_IN_NEW

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "replica-admin"
pytestmark = pytest.mark.postgres


def start(data_dir: Path, store: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CREDIT_DATA_DIR": str(data_dir),
        "CREDIT_STORE_DIR": str(store),
        "CREDIT_DATABASE__URL": POSTGRES_URL,
        "CREDIT_DATABASE__SAMPLE_SUBJECTS": "50",
        "CREDIT_API__PORT": str(port),
        "CREDIT_API__API_KEYS": json.dumps([ADMIN]),
        "CREDIT_INDEX__POLL_SECONDS": "0.5",
        "CREDIT_TODAY": "2026-11-23",
        "HF_HUB_OFFLINE": "1",
    }
    command = [str(Path(sys.executable).parent / "credit-assistant"), "serve", "--no-ui"]
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL)


def ready_version(url: str, seconds: float = 900) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url + "/readyz", timeout=5)
            if response.status_code == 200:
                return str(response.json()["index_version"])
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} never became ready")


@pytest.fixture
def replicas(tmp_path: Path, settings: Settings, policy_corpus) -> Iterator[tuple[str, str, Path]]:  # type: ignore[no-untyped-def]
    """Replica A, then replica B, over one store (seeded with the session's caches: no re-embedding of the
    bundled five) and a fresh PostgreSQL schema; each with its own data folder (given the session's route-model
    vectors, as a restarted replica has them)."""
    if not postgres_available():
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required here but not reachable at {POSTGRES_URL}")
        pytest.skip("PostgreSQL not reachable")
    reset_postgres()
    store = tmp_path / "store"
    for cache in (CACHE_DIR, TOKEN_CACHE_DIR):
        shutil.copytree(settings.data_dir / cache, store / cache)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        urls = []
        for name in ("a", "b"):  # one after the other: the first migrates and seeds the database
            if (settings.data_dir / "models").is_dir():  # the fitted route model's vectors: no re-encoding
                shutil.copytree(settings.data_dir / "models", tmp_path / name / "models")
            port = free_port()
            servers.append(start(tmp_path / name, store, port))
            urls.append(f"http://127.0.0.1:{port}")
            ready_version(urls[-1])
        yield urls[0], urls[1], store
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=120)


def test_a_document_uploaded_through_one_replica_is_answered_by_the_other(replicas) -> None:  # type: ignore[no-untyped-def]
    a, b, store = replicas
    first = ready_version(a)
    assert ready_version(b) == first  # one published version, shared
    assert not (store.parent / "b" / "index").exists()  # B keeps no index of its own

    with httpx.Client(base_url=a, timeout=120, headers={"X-API-Key": ADMIN}) as client:
        files = {"files": (NEW_DOCUMENT.name, NEW_DOCUMENT.read_bytes())}
        started = client.post("/v1/documents", files=files)
        assert started.status_code == 202, started.text
        location = started.headers["location"]
        deadline = time.monotonic() + 900
        while (job := client.get(location).json())["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline, job
            time.sleep(0.3)
    assert job["status"] == "done", job
    second = job["index_version"]
    assert second != first

    with httpx.Client(base_url=b, timeout=120, headers={"X-API-Key": ADMIN}) as client:
        assert client.get(location).json()["status"] == "done"  # the job row lives in the shared database
        deadline = time.monotonic() + 300
        while ready_version(b) != second:  # B's watcher loads the version A published
            assert time.monotonic() < deadline
            time.sleep(0.3)
        answer = client.post("/v1/ask", json={"question": ONLY_IN_NEW})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert not body["refused"] and {c["doc_id"] for c in body["citations"]} == {NEW_DOCUMENT.stem}
        assert NEW_DOCUMENT.stem in {d["doc_id"] for d in client.get("/v1/documents").json()}
