"""Issue 20, part A: one access rule for eval runs, conversations that belong to a caller, an audit log that
cannot be forged and names its subject, record responses that no cache keeps, public category measures,
near-miss names that say they guessed (real corpus, real encoder, real records database, real uvicorn)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from assistant.access import key_id
from assistant.api.app import create_app
from assistant.settings import Settings
from connectors.models import Conversation
from tests.conftest_helpers import free_port, wait_until_ok

KEY = {"X-API-Key": "test-key"}
WINDOW = {"X-API-Key": "window-key"}
EVALUATOR = {"X-API-Key": "eval-key"}
ROLE_KEYS = {"window-key": "window", "eval-key": "evaluator"}
COMPANY = "朝阳市北方粮油贸易有限公司"  # on record with two penalties
OTHER = "翁源县青云茶业有限公司"


def with_api(settings: Settings, **api: object) -> Settings:
    return settings.model_copy(update={"api": settings.api.model_copy(update=api)})


@pytest.fixture(scope="module")
def client(settings: Settings, assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    own = with_api(settings, key_roles=ROLE_KEYS).model_copy(
        update={"data_dir": tmp_path_factory.mktemp("security-data")}
    )
    with TestClient(create_app(own, assistant)) as test_client:
        yield test_client


def code_of(records, name: str) -> str:  # type: ignore[no-untyped-def]
    return str(records.repository.by_name(name)[0].subject.uscc)


def conversation_rows(records) -> int:  # type: ignore[no-untyped-def]
    with records.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Conversation)) or 0)


# ---- 1. eval runs ask as their uploader ----


def run_eval(client: TestClient, headers: dict, question: str) -> tuple[str, dict]:
    line = json.dumps({"id": "S1", "question": question, "route": "subject_status"}, ensure_ascii=False)
    started = client.post("/v1/evals", files={"file": ("who.jsonl", line.encode())}, headers=headers)
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    deadline = time.monotonic() + 600  # bounded wait for the background run, not a timing assertion
    while True:
        body = client.get(f"/v1/evals/{run_id}", headers=headers).json()
        if body["status"] in ("done", "failed") or time.monotonic() > deadline:
            assert body["status"] == "done", body
            return run_id, body["results"][0]
        time.sleep(0.3)


def test_an_evaluators_eval_run_gets_the_record_denied_answer(client: TestClient, records) -> None:  # type: ignore[no-untyped-def]
    penalty = records.repository.profile(records.repository.by_name(COMPANY)[0].subject.id).penalties[0]
    run_id, row = run_eval(client, EVALUATOR, f"{code_of(records, COMPANY)} 有哪些处罚记录？")
    assert "无权" in row["answer"] and penalty.decision_number not in row["answer"]
    assert not [e for e in records.audit.recent(200) if e.client == f"job:{run_id}"]


def test_an_admins_eval_run_reads_records_audited_under_the_admins_key(client: TestClient, records) -> None:  # type: ignore[no-untyped-def]
    subject = records.repository.by_name(COMPANY)[0].subject
    penalty = records.repository.profile(subject.id).penalties[0]
    run_id, row = run_eval(client, KEY, f"{subject.uscc} 有哪些处罚记录？")
    assert penalty.decision_number in row["answer"]
    entries = [e for e in records.audit.recent(200) if e.client == f"job:{run_id}"]
    assert entries and all(e.who == key_id("test-key") and e.channel == "eval" for e in entries)
    assert {e.subject_id for e in entries} == {subject.id}


# ---- 4. conversations belong to a caller ----


def test_another_caller_cannot_use_or_take_over_a_keys_conversation(client: TestClient, records) -> None:  # type: ignore[no-untyped-def]
    first = client.post("/v1/ask", json={"question": f"{COMPANY}的信用状况怎么样？"}, headers=KEY).json()
    conversation = first["conversation_id"]
    for headers in ({}, WINDOW, {"X-API-Key": "wrong"}):
        hijack = client.post(
            "/v1/ask",
            json={"question": f"{OTHER}的信用状况", "conversation_id": conversation},
            headers=headers,
        )
        assert hijack.status_code == 404 and hijack.headers["content-type"].startswith(
            "application/problem+json"
        )
        body = hijack.json()
        assert body["code"] == "conversation_not_found" and "未找到该对话" in body["detail"]
        assert COMPANY not in hijack.text
    follow = client.post(
        "/v1/ask", json={"question": "它的处罚记录呢？", "conversation_id": conversation}, headers=KEY
    ).json()
    assert follow["subject"]["name"] == COMPANY  # the owner's subject, never the intruder's


def test_an_anonymous_question_stores_no_conversation(client: TestClient, records) -> None:  # type: ignore[no-untyped-def]
    before = conversation_rows(records)
    for _ in range(3):
        body = client.post("/v1/ask", json={"question": "开展诚信教育可以收费吗？"}).json()
        assert body["route"] == "policy_qa" and body["conversation_id"] == ""
    assert conversation_rows(records) == before


def test_an_anonymous_session_keeps_its_conversation_and_no_one_else_gets_it(client: TestClient) -> None:
    first = client.post("/v1/ask", json={"question": "濮阳开展诚信教育可以收费吗？", "remember": True})
    token, conversation = first.headers["X-Session-Token"], first.json()["conversation_id"]
    assert conversation.startswith("anon-") and len(token) >= 32
    asked = {"question": "那朝阳呢？", "conversation_id": conversation}
    follow = client.post("/v1/ask", json=asked, headers={"X-Session-Token": token})
    assert follow.status_code == 200 and "朝阳" in " ".join(follow.json()["route_reasons"])
    assert client.post("/v1/ask", json=asked).status_code == 404
    assert client.post("/v1/ask", json=asked, headers={"X-Session-Token": "x" * 32}).status_code == 404
    assert client.post("/v1/ask", json=asked, headers=KEY).status_code == 404


def test_a_remembered_subject_is_not_echoed_to_a_caller_who_may_not_read_it(client: TestClient) -> None:
    first = client.post("/v1/ask", json={"question": f"{COMPANY}的信用状况", "remember": True})
    token = {"X-Session-Token": first.headers["X-Session-Token"]}
    asked = {"question": "它的处罚记录呢？", "conversation_id": first.json()["conversation_id"]}
    body = client.post("/v1/ask", json=asked, headers=token).json()
    assert body["refused"] and "需要授权" in body["text"]
    assert body["subject_mention"] is None and COMPANY not in json.dumps(body, ensure_ascii=False)


def test_expired_conversations_are_purged_on_a_schedule(settings: Settings, assistant, records) -> None:  # type: ignore[no-untyped-def]
    often = settings.model_copy(
        update={"database": settings.database.model_copy(update={"purge_interval_seconds": 0.2})}
    )
    records.conversations.save("anon-old", {"conversation_id": "anon-old", "owner": "session:x"})
    records.conversations.save("key-old", {"conversation_id": "key-old", "owner": key_id("test-key")})
    two_hours_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    with records.engine.begin() as connection:
        connection.execute(
            text("UPDATE conversations SET updated_at = :t WHERE id IN ('anon-old', 'key-old')"),
            {"t": two_hours_ago},
        )
    with TestClient(create_app(often, assistant)):
        for _ in range(300):  # bounded wait for the schedule (no start-up purge with a given assistant)
            if records.conversations.load("anon-old") is None:
                break
            time.sleep(0.1)
    assert records.conversations.load("anon-old") is None  # anonymous: 60 minutes
    assert records.conversations.load("key-old") is not None  # a key's: 7 days


# ---- 5. an audit log you can trust ----


def test_every_record_endpoint_audits_the_subject_id(client: TestClient, records) -> None:  # type: ignore[no-untyped-def]
    subject = records.repository.by_name(COMPANY)[0].subject
    for path in ("", "/repair-plan", "/measures"):
        assert client.get(f"/v1/subjects/{subject.uscc}{path}", headers=KEY).status_code == 200
        entry = records.audit.recent(1)[0]
        assert (entry.subject_id, entry.target) == (subject.id, subject.uscc), path


@contextmanager
def serve_in_thread(settings: Settings, assistant) -> Iterator[str]:  # type: ignore[no-untyped-def]
    import uvicorn

    from assistant.cli.serve_cmds import proxy_options

    port = free_port()
    options = proxy_options(settings.api)
    config = uvicorn.Config(create_app(settings, assistant), host="127.0.0.1", port=port, **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until_ok(f"http://127.0.0.1:{port}/readyz")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize(("allowed", "logged"), [("", "127.0.0.1"), ("127.0.0.1", "203.0.113.7")])
def test_forwarded_headers_count_only_from_configured_proxies(
    settings: Settings, assistant, records, allowed: str, logged: str
) -> None:  # type: ignore[no-untyped-def]
    code = code_of(records, COMPANY)
    with serve_in_thread(with_api(settings, forwarded_allow_ips=allowed), assistant) as url:
        headers = {**KEY, "X-Forwarded-For": "203.0.113.7"}
        assert httpx.get(f"{url}/v1/subjects/{code}", headers=headers, timeout=60).status_code == 200
    assert records.audit.recent(1)[0].client == logged


# ---- 10. smaller ----


def test_measures_for_a_category_need_no_key(client: TestClient) -> None:
    response = client.get("/v1/measures", params={"status": "严重失信"})
    assert response.status_code == 200 and "乘坐飞机" in response.json()["text"]


def test_the_401_of_evals_says_what_evals_need(client: TestClient) -> None:
    body = client.get("/v1/evals").json()
    assert body["status"] == 401 and "评测" in body["detail"] and "查询主体信用记录" not in body["detail"]


def test_responses_with_records_are_never_cached(client: TestClient, records) -> None:  # type: ignore[no-untyped-def]
    code = code_of(records, COMPANY)
    for path in (f"/v1/subjects/{code}", f"/v1/subjects/{code}/repair-plan", f"/v1/subjects/{code}/measures"):
        assert client.get(path, headers=KEY).headers.get("cache-control") == "no-store", path
    assert (
        client.get("/v1/subjects", params={"name": "北方粮油"}, headers=KEY).headers["cache-control"]
        == "no-store"
    )
    for stream in (False, True):
        asked = {"question": f"{COMPANY}的信用状况", "stream": stream}
        assert client.post("/v1/ask", json=asked, headers=KEY).headers.get("cache-control") == "no-store"


def test_a_near_miss_name_says_which_subject_it_guessed(client: TestClient) -> None:
    near = "朝阳北方粮油贸易有限公司"  # not stored; the nearest stored name is COMPANY
    body = client.post("/v1/ask", json={"question": f"{near}的信用状况怎么样？"}, headers=KEY).json()
    assert body["subject"]["name"] == COMPANY
    assert body["text"].startswith(f"未找到“{near}”，以下为名称最接近的主体“{COMPANY}”")


def test_the_ui_serves_on_loopback_unless_configured(tmp_path: Path) -> None:
    from assistant.cli.serve_cmds import ui_command

    command = ui_command(Settings(data_dir=tmp_path).api)
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    public = Settings(data_dir=tmp_path, api={"ui_host": "0.0.0.0"}).api  # type: ignore[arg-type]
    assert ui_command(public)[ui_command(public).index("--server.address") + 1] == "0.0.0.0"
