"""Conversations as a resource (list, reopen, delete, bound to their caller) and feedback that feeds evaluation:
stored with what was asked and answered, listed for evaluators, exported as a set `eval run` accepts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient

from assistant.access import key_id
from assistant.api.app import create_app
from assistant.settings import Settings
from connectors.conversations import title_of
from evals.datasets import QAItem, load_bytes
from evals.metrics import QA_TYPES

ADMIN = {"X-API-Key": "test-key"}
WINDOW = {"X-API-Key": "window-key"}
EVALUATOR = {"X-API-Key": "eval-key"}
FEE = "开展诚信教育可以收费吗？"
SUBJECT = "翁源县青云茶业有限公司的信用状况怎么样？"


@pytest.fixture(scope="module")
def client(settings: Settings, assistant):  # type: ignore[no-untyped-def]
    roles = {"window-key": "window", "eval-key": "evaluator"}
    with_roles = settings.model_copy(update={"api": settings.api.model_copy(update={"key_roles": roles})})
    with TestClient(create_app(with_roles, assistant)) as test_client:
        yield test_client


def ask(client: TestClient, question: str, headers: dict, conversation_id: str | None = None) -> dict:
    body = {"question": question, "conversation_id": conversation_id}
    response = client.post("/v1/ask", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def problem(response, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def test_conversations_are_listed_newest_first_reopened_and_deleted(client: TestClient) -> None:
    first = ask(client, FEE, WINDOW)
    follow = ask(client, "那信用修复有哪些方式？", WINDOW, first["conversation_id"])
    second = ask(client, "信用承诺书要公开吗？", WINDOW)
    assert (first["turn"], follow["turn"], second["turn"]) == (1, 2, 1)
    listed = client.get("/v1/conversations", headers=WINDOW).json()
    mine = [c for c in listed if c["id"] in (first["conversation_id"], second["conversation_id"])]
    assert [c["id"] for c in mine] == [second["conversation_id"], first["conversation_id"]]  # newest first
    assert [(c["title"], c["turns"]) for c in mine] == [(title_of("信用承诺书要公开吗？"), 1), (title_of(FEE), 2)]
    detail = client.get(f"/v1/conversations/{first['conversation_id']}", headers=WINDOW).json()
    assert detail["title"] == title_of(FEE)
    assert [t["question"] for t in detail["turns"]] == [FEE, "那信用修复有哪些方式？"]
    reopened = detail["turns"][0]["answer"]
    assert reopened["text"] == first["text"] and reopened["citations"] == first["citations"]
    assert reopened["citations"] and reopened["turn"] == 1

    deleted = client.delete(f"/v1/conversations/{first['conversation_id']}", headers=WINDOW)
    assert deleted.status_code == 204
    problem(client.get(f"/v1/conversations/{first['conversation_id']}", headers=WINDOW), 404, "conversation_not_found")
    assert first["conversation_id"] not in [c["id"] for c in client.get("/v1/conversations", headers=WINDOW).json()]


def test_another_caller_gets_404_and_sees_none_of_them(client: TestClient) -> None:
    mine = ask(client, FEE, WINDOW)["conversation_id"]
    for headers in (EVALUATOR, {}):  # another key, and no key at all
        assert mine not in [c["id"] for c in client.get("/v1/conversations", headers=headers).json()]
        problem(client.get(f"/v1/conversations/{mine}", headers=headers), 404, "conversation_not_found")
        problem(client.delete(f"/v1/conversations/{mine}", headers=headers), 404, "conversation_not_found")
        feedback = client.post(f"/v1/conversations/{mine}/turns/1/feedback", json={"rating": "up"}, headers=headers)
        problem(feedback, 404, "conversation_not_found")
    assert client.get(f"/v1/conversations/{mine}", headers=WINDOW).status_code == 200  # still there for its owner


def test_an_anonymous_session_lists_only_its_own_conversations(client: TestClient) -> None:
    response = client.post("/v1/ask", json={"question": FEE, "remember": True})
    token, conversation = response.headers["X-Session-Token"], response.json()["conversation_id"]
    session = {"X-Session-Token": token}
    assert [c["id"] for c in client.get("/v1/conversations", headers=session).json()] == [conversation]
    assert client.get(f"/v1/conversations/{conversation}", headers=session).json()["turns"][0]["question"] == FEE
    other = {"X-Session-Token": "another-session-token-0123"}
    assert client.get("/v1/conversations", headers=other).json() == []
    problem(client.get(f"/v1/conversations/{conversation}", headers=other), 404, "conversation_not_found")


def test_feedback_is_stored_with_what_was_asked_and_answered(client: TestClient) -> None:
    answer = ask(client, FEE, WINDOW)
    url = f"/v1/conversations/{answer['conversation_id']}/turns/1/feedback"
    body = {"rating": "down", "comment": "没说依据", "expected_answer": "不得收费，由濮阳市信用办统一组织。"}
    stored = client.post(url, json=body, headers=WINDOW).json()
    assert (stored["rating"], stored["question"], stored["answer"]) == ("down", FEE, answer["text"])
    assert [c["passage_id"] for c in stored["citations"]] == [c["passage_id"] for c in answer["citations"]]
    assert stored["caller"] == key_id("window-key") and stored["corpus_version"]
    again = client.post(url, json={"rating": "up"}, headers=WINDOW).json()  # changing one's mind replaces it
    assert again["rating"] == "up" and again["id"] == stored["id"]
    detail = client.get(f"/v1/conversations/{answer['conversation_id']}", headers=WINDOW).json()
    assert detail["turns"][0]["feedback"]["rating"] == "up"
    problem(client.post(url.replace("/1/", "/9/"), json=body, headers=WINDOW), 404, "turn_not_found")
    problem(client.post(url, json={"rating": "meh"}, headers=WINDOW), 422, "invalid_request")
    problem(client.post(url, json={**body, "comment": "坏\x07字符"}, headers=WINDOW), 422, "invalid_question")


def test_evaluators_list_filter_and_export_down_votes_as_a_set_eval_run_accepts(client: TestClient, settings) -> None:  # type: ignore[no-untyped-def]
    expected = "不得收费。诚信教育由信用办统一组织，3个工作日内告知结果。"
    rated = []
    for question, feedback in (
        (FEE, {"rating": "down", "expected_answer": expected, "comment": "答非所问"}),
        ("信用修复有哪些方式？", {"rating": "down", "unanswerable": True}),
        ("信用承诺书要公开吗？", {"rating": "down"}),  # nothing to check: not exported
        ("信用承诺有哪些类型？", {"rating": "up"}),
    ):
        answer = ask(client, question, ADMIN)
        url = f"/v1/conversations/{answer['conversation_id']}/turns/1/feedback"
        rated.append(client.post(url, json=feedback, headers=ADMIN).json())
    problem(client.get("/v1/feedback", headers=WINDOW), 403, "forbidden")
    problem(client.get("/v1/feedback"), 401, "unauthorized")
    down = client.get("/v1/feedback", params={"rating": "down"}, headers=EVALUATOR).json()
    assert {r["id"] for r in rated[:3]} <= {d["id"] for d in down} and rated[3]["id"] not in {d["id"] for d in down}
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    assert client.get("/v1/feedback", params={"since": later}, headers=EVALUATOR).json() == []

    export = client.get("/v1/feedback/export.jsonl", headers=EVALUATOR)
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    kind, items = load_bytes("feedback.jsonl", export.content, settings.api.max_question_chars)  # as eval run
    assert kind == "qa"
    # keyed by feedback id: other tests (the browser's) rate the same questions in the same store
    rows = {json.loads(line)["id"]: json.loads(line) for line in export.text.splitlines()}
    exported = [rows.get(f"FB-{item['id'][:12]}") for item in rated]
    assert exported[2] is None and exported[3] is None  # nothing to check, and a 👍
    assert int(export.headers["X-Skipped"]) >= 1
    answerable, refusal = exported[0], exported[1]
    assert answerable is not None and refusal is not None
    assert answerable["must_include"] and all(term in expected for term in answerable["must_include"])
    assert "3个工作日" in answerable["must_include"]
    assert answerable["answerable"] is True and answerable["type"] in QA_TYPES
    assert refusal["type"] == "unanswerable" and refusal["answerable"] is False and refusal["must_include"] == []
    assert all(isinstance(item, QAItem) and item.split in ("tune", "check") for item in items)


def test_a_subject_answer_is_rechecked_audited_and_never_copied_into_feedback(client: TestClient, records) -> None:  # type: ignore[no-untyped-def]
    answer = ask(client, SUBJECT, ADMIN)
    assert answer["subject"] is not None
    detail = client.get(f"/v1/conversations/{answer['conversation_id']}", headers=ADMIN).json()
    assert detail["turns"][0]["answer"]["records"] == answer["records"]
    entry = records.audit.recent(1)[0]
    assert (entry.who, entry.action, entry.channel) == (key_id("test-key"), "subject_status", "history")
    url = f"/v1/conversations/{answer['conversation_id']}/turns/1/feedback"
    stored = client.post(url, json={"rating": "down", "comment": "等级不对"}, headers=ADMIN).json()
    assert stored["about_subject"] is True and stored["citations"] == []
    assert answer["subject"]["identifier"] not in json.dumps(stored, ensure_ascii=False)
