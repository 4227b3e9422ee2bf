"""Serving for real use: backpressure (503 + Retry-After, 504) and several worker processes sharing state."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.settings import Settings
from tests.conftest_helpers import free_port

KEY = {"X-API-Key": "test-key"}
POLICY = {"question": "开展诚信教育可以收费吗？"}
ROOT = Path(__file__).resolve().parents[1]


def serving(settings: Settings, **api: object) -> Settings:
    return settings.model_copy(update={"api": settings.api.model_copy(update=api)})


def assert_chinese_problem(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code and body["status"] == status
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])
    return body


def test_no_free_slot_is_an_immediate_503_with_retry_after(settings: Settings, assistant) -> None:  # type: ignore[no-untyped-def]
    app = create_app(serving(settings, max_in_flight=1, retry_after_seconds=2), assistant)
    with TestClient(app) as client:
        gate = app.state.gate
        assert gate.try_enter()  # one question in flight: the worker's only slot is taken
        try:
            for request in (
                lambda: client.post("/v1/ask", json=POLICY),
                lambda: client.post("/v1/ask", json={**POLICY, "stream": True}),
                lambda: client.get("/v1/search", params={"q": "信用修复"}),
            ):
                response = request()
                body = assert_chinese_problem(response, 503, "overloaded")
                assert response.headers["Retry-After"] == "2" and "2 秒后重试" in body["detail"]
            assert gate.in_flight == 1  # refused questions never took a slot
            assert client.get("/v1/documents").status_code == 200  # only questions are bounded
        finally:
            gate.leave()
        assert client.post("/v1/ask", json=POLICY).status_code == 200
        assert gate.in_flight == 0


def test_admission_comes_before_the_body_is_read_and_a_rejected_question_gives_its_slot_back(
    settings: Settings, assistant
) -> None:  # type: ignore[no-untyped-def]
    app = create_app(serving(settings, max_in_flight=1), assistant)
    with TestClient(app) as client:
        gate = app.state.gate
        invalid = client.post("/v1/ask", json={"question": "   "})  # admitted, then refused by validation
        assert invalid.status_code == 422 and gate.in_flight == 0
        assert gate.try_enter()
        try:  # no free slot: refused before the body (not even JSON) or the key is looked at
            refused = client.post("/v1/ask", content=b"\xff not json", headers={"X-API-Key": "wrong"})
            assert_chinese_problem(refused, 503, "overloaded")
            assert refused.headers["X-Worker-Pid"] == str(os.getpid()) and "Retry-After" in refused.headers
        finally:
            gate.leave()
        assert client.get("/healthz").json() == {"status": "ok"}


def test_a_serving_process_keeps_its_loaded_objects_out_of_full_collections(settings: Settings, assistant) -> None:  # type: ignore[no-untyped-def]
    """Once the assistant is loaded, its objects are frozen (assistant/heap.py): a full collection walks only
    what was made since, so a burst of requests does not stop the loop for a walk over the whole index."""
    import gc

    gc.unfreeze()
    with TestClient(create_app(settings, assistant)) as client:
        assert client.get("/healthz").status_code == 200
        gc.collect()
        assert gc.get_freeze_count() > 10_000  # the index's objects …
        assert len(gc.get_objects(generation=2)) < gc.get_freeze_count()  # … outnumber what a full pass walks


def test_a_limit_of_zero_refuses_every_question(settings: Settings, assistant) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(serving(settings, max_in_flight=0), assistant)) as client:
        response = client.post("/v1/ask", json=POLICY, headers=KEY)
        assert_chinese_problem(response, 503, "overloaded")
        assert int(response.headers["Retry-After"]) >= 0
        assert client.get("/healthz").status_code == 200


def test_a_question_past_the_time_limit_is_504_and_frees_its_slot_when_done(
    settings: Settings, assistant
) -> None:  # type: ignore[no-untyped-def]
    app = create_app(serving(settings, question_timeout_seconds=1e-6), assistant)
    with TestClient(app) as client:
        body = assert_chinese_problem(client.post("/v1/ask", json=POLICY), 504, "timeout")
        assert "超时" in body["detail"] and body["title"] == "回答超时"
        for _ in range(600):  # the abandoned answer still runs to its end, then gives its slot back
            if app.state.gate.in_flight == 0:
                break
            time.sleep(0.05)
        assert app.state.gate.in_flight == 0


def test_concurrent_questions_get_answers_or_immediate_503s(settings: Settings, assistant) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    app = create_app(serving(settings, max_in_flight=1), assistant)
    with TestClient(app) as client, ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(lambda _: client.post("/v1/ask", json=POLICY), range(12)))
    statuses = {r.status_code for r in responses}
    assert statuses <= {200, 503} and 200 in statuses
    assert all("Retry-After" in r.headers for r in responses if r.status_code == 503)
    assert all("不得收费" in r.json()["text"] for r in responses if r.status_code == 200)
    assert app.state.gate.in_flight == 0


def test_work_handed_to_another_process_holds_its_slot_until_it_ends_even_past_the_time_limit() -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import anyio

    from assistant.api.admission import QuestionGate
    from assistant.errors import Overloaded, RequestTimeout

    gate = QuestionGate(limit=1, timeout_seconds=0.05, retry_after_seconds=1)
    release = threading.Event()
    with ThreadPoolExecutor(2) as other:  # stands in for the answering processes: a future run elsewhere

        async def scenario() -> None:
            assert await gate.run_future(lambda: other.submit(lambda: 42)) == 42
            assert gate.in_flight == 0
            with pytest.raises(RequestTimeout):  # 504 for the caller…
                await gate.run_future(lambda: other.submit(release.wait))
            assert gate.in_flight == 1  # …but the work still runs, so its slot stays taken
            with pytest.raises(Overloaded):
                await gate.run_future(lambda: other.submit(lambda: 0))
            release.set()
            for _ in range(100):
                if gate.in_flight == 0:
                    break
                await anyio.sleep(0.01)
            assert gate.in_flight == 0
            with pytest.raises(ValueError):  # a failure to hand the work over gives the slot back at once
                await gate.run_future(lambda: (_ for _ in ()).throw(ValueError("no pool")))
            assert gate.in_flight == 0

        anyio.run(scenario)


def wait_until(check, seconds: float = 180) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_answering_processes_answer_and_search_and_a_killed_one_is_replaced_without_failing_a_question(
    settings: Settings, assistant
) -> None:  # type: ignore[no-untyped-def]
    app = create_app(serving(settings, answer_processes=1), assistant)
    with TestClient(app) as client:
        pool = app.state.runtime.answer_pool
        wait_until(lambda: client.get("/readyz").json()["answering"] == "processes")
        first = client.post("/v1/ask", json=POLICY)
        assert first.status_code == 200 and "不得收费" in first.json()["text"]
        searched = client.get("/v1/search", params={"q": "信用修复", "k": 3, "locality": "濮阳"})
        assert searched.status_code == 200 and len(searched.json()["hits"]) == 3
        (process,) = pool._executor._processes.values()  # the one answering process
        os.kill(process.pid, signal.SIGKILL)
        process.join(timeout=30)
        for _ in range(3):  # answered on a thread of the worker while a new process loads
            again = client.post("/v1/ask", json=POLICY)
            assert again.status_code == 200 and "不得收费" in again.json()["text"]
        wait_until(lambda: client.get("/readyz").json()["answering"] == "processes")
        assert client.post("/v1/ask", json=POLICY).status_code == 200
        (replacement,) = pool._executor._processes.values()
        assert replacement.pid != process.pid


@pytest.fixture(scope="module")
def two_workers(settings: Settings, assistant) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """`uvicorn --workers 2` over the prepared session data directory (the assistant fixture built it), each
    worker answering in an answering process of its own (assistant/answer_pool.py), as `serve` does."""
    port = free_port()
    env = {
        **os.environ,
        "CREDIT_DATA_DIR": str(settings.data_dir),
        "CREDIT_TODAY": str(settings.today),
        "CREDIT_API__API_KEYS": json.dumps(settings.api.api_keys),
        "CREDIT_API__ANSWER_PROCESSES": "1",
        "HF_HUB_OFFLINE": "1",
    }
    command = [
        sys.executable, "-m", "uvicorn", "assistant.api.app:app_factory", "--factory",
        "--workers", "2", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        "--timeout-worker-healthcheck", "60",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_workers(url, 2, answering="processes")
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def wait_for_workers(url: str, count: int, attempts: int = 3000, answering: str | None = None) -> None:
    """Poll /readyz on fresh connections until `count` different worker processes report ready (and, with
    `answering`, answer there)."""
    ready: set[str] = set()
    for _ in range(attempts):
        try:
            response = httpx.get(url + "/readyz", timeout=5)
            if response.status_code == 200 and answering in (None, response.json().get("answering")):
                ready.add(response.headers["X-Worker-Pid"])
                if len(ready) >= count:
                    return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"only {len(ready)} of {count} workers became ready")


def test_a_follow_up_keeps_its_subject_on_another_worker(two_workers: str, records) -> None:  # type: ignore[no-untyped-def]
    first = httpx.post(
        two_workers + "/v1/ask",
        json={"question": "翁源县青云茶业有限公司的信用状况怎么样？"},
        headers=KEY,
        timeout=60,
    )
    assert first.status_code == 200 and first.json()["subject"]["name"] == "翁源县青云茶业有限公司"
    conversation, first_pid = first.json()["conversation_id"], first.headers["X-Worker-Pid"]
    pids = set()
    for _ in range(40):  # fresh connections until the other worker answers the follow-up
        follow = httpx.post(
            two_workers + "/v1/ask",
            json={"question": "那它怎么修复？", "conversation_id": conversation},
            headers=KEY,
            timeout=60,
        )
        assert follow.status_code == 200, follow.text
        body = follow.json()
        assert body["route"] == "repair_steps" and body["subject"]["name"] == "翁源县青云茶业有限公司"
        pids.add(follow.headers["X-Worker-Pid"])
        if pids - {first_pid}:
            break
    assert pids - {first_pid}, "every follow-up landed on the first worker"
    audited = [e for e in records.audit.recent(50) if e.channel == "chat" and e.action == "repair_plan"]
    assert audited and audited[0].subject_id is not None  # the other worker wrote the same audit table
