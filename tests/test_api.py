"""Every endpoint through FastAPI's TestClient, including the error cases."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app

KEY = {"X-API-Key": "test-key"}


@pytest.fixture(scope="module")
def client(settings, assistant):  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings, assistant)) as test_client:
        yield test_client


def assert_problem(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code and body["status"] == status
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])  # a Chinese message
    return body


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["passages"] > 200


def test_readyz_reports_loading_before_the_assistant_is_there(settings) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings)
    with TestClient(app) as fresh:
        app.state.runtime.assistant = None  # as if still loading
        assert fresh.get("/readyz").status_code == 503
        loading = fresh.post("/v1/ask", json={"question": "信用修复有哪些方式？"})
        assert_problem(loading, 503, "not_ready")
        assert loading.headers["Retry-After"] == "1"


def test_ask_returns_cited_answer(client: TestClient) -> None:
    body = client.post("/v1/ask", json={"question": "开展诚信教育可以收费吗？"}).json()
    assert body["route"] == "policy_qa" and "不得收费" in body["text"]
    citation = body["citations"][0]
    assert citation["doc_number"] == "濮信用〔2020〕3号" and citation["quote"] in citation["passage"]


def test_ask_streams_server_sent_events(client: TestClient) -> None:
    response = client.post("/v1/ask", json={"question": "开展诚信教育可以收费吗？", "stream": True})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [block for block in response.text.split("\n\n") if block]
    assert events[0].startswith("event: meta") and events[-1].startswith("event: done")
    done = json.loads(events[-1].split("data: ", 1)[1])
    deltas = "".join(
        json.loads(e.split("data: ", 1)[1])["text"] for e in events if e.startswith("event: delta")
    )
    assert deltas == done["text"]


def test_conversation_follow_up_over_http(client: TestClient) -> None:
    first = client.post(
        "/v1/ask", json={"question": "翁源县青云茶业有限公司的信用状况怎么样？"}, headers=KEY
    ).json()
    follow = client.post(
        "/v1/ask",
        json={"question": "那它怎么修复？", "conversation_id": first["conversation_id"]},
        headers=KEY,
    ).json()
    assert follow["route"] == "repair_steps" and follow["subject"]["name"] == "翁源县青云茶业有限公司"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"question": ""}, "invalid_question"),
        ({"question": "问" * 2000}, "invalid_question"),
        ({}, "invalid_request"),
        ({"question": 12}, "invalid_request"),
    ],
)
def test_bad_questions_are_4xx(client: TestClient, body: dict, code: str) -> None:
    assert_problem(client.post("/v1/ask", json=body), 422, code)


def test_malformed_json_is_4xx(client: TestClient) -> None:
    response = client.post("/v1/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert_problem(response, 422, "invalid_request")


def test_search(client: TestClient) -> None:
    body = client.get("/v1/search", params={"q": "信用修复", "k": 3, "locality": "朝阳"}).json()
    assert len(body["hits"]) == 3 and all(h["citation"]["doc_id"] == "chaoyang-2020" for h in body["hits"])
    assert_problem(client.get("/v1/search", params={"q": " "}), 422, "invalid_question")
    assert_problem(client.get("/v1/search", params={"q": "信用", "method": "magic"}), 422, "invalid_question")


def test_record_endpoints_need_an_api_key(client: TestClient) -> None:
    assert_problem(client.get("/v1/subjects", params={"name": "恒达"}), 401, "unauthorized")
    assert_problem(
        client.get("/v1/subjects/91350100M000100Y43", headers={"X-API-Key": "wrong"}), 401, "unauthorized"
    )


def test_subject_by_code_and_audit_log(client: TestClient, records) -> None:  # type: ignore[no-untyped-def]
    code = records.repository.by_name("朝阳市北方粮油贸易有限公司")[0].subject.uscc
    body = client.get(f"/v1/subjects/{code.lower()}", headers=KEY).json()
    assert body["subject"]["name"] == "朝阳市北方粮油贸易有限公司" and len(body["penalties"]) == 2
    assert body["answer"]["route"] == "subject_status"
    entry = records.audit.recent(1)[0]
    assert entry.action == "subject_status" and entry.who.startswith("key:") and entry.channel == "api"
    assert entry.target == code.lower()


def test_subject_errors(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/subjects/91410900MA45XK3R2Q", headers=KEY), 422, "invalid_uscc")
    assert "校验位" in body["detail"]
    assert_problem(client.get("/v1/subjects/123", headers=KEY), 422, "invalid_uscc")
    assert_problem(client.get("/v1/subjects/91350100M000100Y43", headers=KEY), 404, "subject_not_found")


def test_subject_search_and_repair_plan(client: TestClient) -> None:
    matches = client.get("/v1/subjects", params={"name": "恒达建材"}, headers=KEY).json()["items"]
    assert {m["name"] for m in matches} >= {"濮阳市恒达建材有限公司", "濮阳市恒达建材销售有限公司"}
    code = matches[0]["identifier"]
    plan = client.get(f"/v1/subjects/{code}/repair-plan", headers=KEY).json()
    assert plan["route"] == "repair_steps" and plan["data"]["items"]


def test_measures_endpoint(client: TestClient) -> None:
    body = client.get("/v1/measures", params={"status": "守信激励", "locality": "翁源"}, headers=KEY).json()
    assert body["citations"][0]["doc_id"] == "wengyuan-2023"
    assert_problem(
        client.get("/v1/measures", params={"status": "不存在"}, headers=KEY), 422, "invalid_question"
    )


def test_documents(client: TestClient) -> None:
    documents = client.get("/v1/documents").json()
    assert {d["doc_id"] for d in documents} == {
        "puyang-2020", "changzhou-xinbei-2021", "wengyuan-2023", "wuyang-henan-2018", "chaoyang-2020",
    }  # fmt: skip
    detail = client.get("/v1/documents/puyang-2020").json()
    assert detail["sections"][0]["label"] and detail["doc_number"] == "濮信用〔2020〕3号"
    assert_problem(client.get("/v1/documents/nope"), 404, "document_not_found")


def test_import_endpoint_is_transactional(client: TestClient, records) -> None:  # type: ignore[no-untyped-def]
    good = "uscc,name,kind,locality\n9144030071526726XG,接口测试有限公司,法人,河南省濮阳市\n".encode()
    response = client.post("/v1/records/import", files={"file": ("subjects.csv", good)}, headers=KEY)
    assert response.status_code == 200 and response.json()["inserted"] == 1
    bad = "uscc,name,kind\n91110000802100433B,甲公司,法人\n123,乙公司,法人\n".encode()
    body = assert_problem(
        client.post("/v1/records/import", files={"file": ("subjects.csv", bad)}, headers=KEY),
        422,
        "record_import_error",
    )
    assert body["errors"][0]["row"] == 3 and body["errors"][0]["column"] == "uscc"
    assert records.repository.by_uscc("91110000802100433B") is None
    unknown = client.post("/v1/records/import", files={"file": ("data.pdf", b"%PDF")}, headers=KEY)
    assert_problem(unknown, 422, "record_import_error")


def test_openapi_is_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/v1/ask" in spec["paths"] and "/v1/subjects/{code}/repair-plan" in spec["paths"]
