"""Subject records on every path (chat, stream, LangChain tools, record endpoints) need a key and are audited."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from assistant.access import ANONYMOUS, Principal, authorize, role_of_key
from assistant.api.app import create_app
from assistant.errors import Forbidden, Unauthorized
from assistant.settings import Settings

BYPASS = "查一下舞阳县启明富食品厂的信用记录"  # the question of the issue: a natural person's records
PERSON = "舞阳县启明富食品厂"
KEY = {"X-API-Key": "test-key"}
ROLE_KEYS = {"window-key": "window", "eval-key": "evaluator"}


@pytest.fixture(scope="module")
def client(settings: Settings, assistant):  # type: ignore[no-untyped-def]
    with_roles = settings.model_copy(update={"api": settings.api.model_copy(update={"key_roles": ROLE_KEYS})})
    with TestClient(create_app(with_roles, assistant)) as test_client:
        yield test_client


def events(text: str) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for block in filter(None, text.split("\n\n")):
        kind, data = block.split("\n", 1)
        found.setdefault(kind.removeprefix("event: "), []).append(json.loads(data.removeprefix("data: ")))
    return found


def leaks_records(answer: dict, masked_id: str) -> bool:
    text = json.dumps(answer, ensure_ascii=False)
    return bool(answer["records"] or answer["subject"] or answer["candidates"]) or masked_id in text


def test_the_bypass_of_the_issue_returns_no_record_and_writes_nothing(client, records) -> None:  # type: ignore[no-untyped-def]
    person = records.repository.by_name(PERSON)[0].subject
    before = records.audit.recent(1)
    body = client.post("/v1/ask", json={"question": BYPASS}).json()
    assert body["route"] == "subject_status" and body["refused"]
    assert "需要授权" in body["text"] and "X-API-Key" in body["text"]
    assert not leaks_records(body, person.identifier)
    assert "信用评价" not in body["text"] and "承诺" not in body["text"]
    assert records.audit.recent(1) == before


def test_with_a_key_the_chat_answers_and_audits(client, records) -> None:  # type: ignore[no-untyped-def]
    person = records.repository.by_name(PERSON)[0].subject
    body = client.post("/v1/ask", json={"question": BYPASS}, headers=KEY).json()
    assert body["subject"]["name"] == PERSON and body["records"]
    entry = records.audit.recent(1)[0]
    assert (entry.action, entry.channel, entry.subject_id) == ("subject_status", "chat", person.id)
    assert entry.who.startswith("key:") and "test-key" not in entry.who
    assert entry.target == person.identifier and entry.client == "testclient"


def test_the_stream_follows_the_same_rule(client, records) -> None:  # type: ignore[no-untyped-def]
    person = records.repository.by_name(PERSON)[0].subject
    question = {"question": f"{PERSON}怎么修复信用？", "stream": True}
    before = records.audit.recent(1)
    denied = events(client.post("/v1/ask", json=question).text)
    done = denied["done"][0]
    assert "需要授权" in done["text"] and not leaks_records(done, person.identifier)
    assert "".join(d["text"] for d in denied["delta"]) == done["text"]
    assert records.audit.recent(1) == before
    allowed = events(client.post("/v1/ask", json=question, headers=KEY).text)["done"][0]
    assert allowed["route"] == "repair_steps" and allowed["subject"]["name"] == PERSON
    entry = records.audit.recent(1)[0]
    assert (entry.action, entry.channel, entry.subject_id) == ("repair_plan", "stream", person.id)


def test_policy_questions_need_no_key(client) -> None:  # type: ignore[no-untyped-def]
    body = client.post("/v1/ask", json={"question": "开展诚信教育可以收费吗？"}).json()
    assert body["route"] == "policy_qa" and "不得收费" in body["text"]
    category = client.post(
        "/v1/ask", json={"question": "被列入严重失信主体名单的企业会受到哪些限制？"}
    ).json()
    assert category["route"] == "applicable_measures" and "乘坐飞机" in category["text"]


def test_a_wrong_key_is_anonymous_and_a_keys_conversation_is_not_its(client) -> None:  # type: ignore[no-untyped-def]
    first = client.post("/v1/ask", json={"question": BYPASS}, headers=KEY).json()
    assert first["records"]
    follow = client.post(
        "/v1/ask",
        json={"question": "那它怎么修复？", "conversation_id": first["conversation_id"]},
        headers={"X-API-Key": "wrong"},
    )
    assert follow.status_code == 404 and follow.json()["code"] == "conversation_not_found"
    assert PERSON not in follow.text


def test_roles(client, records) -> None:  # type: ignore[no-untyped-def]
    window = client.post("/v1/ask", json={"question": BYPASS}, headers={"X-API-Key": "window-key"}).json()
    assert window["records"]
    evaluator = {"X-API-Key": "eval-key"}
    denied = client.post("/v1/ask", json={"question": BYPASS}, headers=evaluator).json()
    assert "无权" in denied["text"] and not denied["records"]
    code = records.repository.by_name("朝阳市北方粮油贸易有限公司")[0].subject.uscc
    response = client.get(f"/v1/subjects/{code}", headers=evaluator)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    upload = {"file": ("subjects.csv", b"uscc,name,kind\n")}
    assert (
        client.post("/v1/records/import", files=upload, headers={"X-API-Key": "window-key"}).status_code
        == 403
    )


def test_the_langchain_tools_act_for_their_caller(assistant, records) -> None:  # type: ignore[no-untyped-def]
    from assistant.tools.langchain_tools import build_tools

    person = records.repository.by_name(PERSON)[0].subject
    before = records.audit.recent(1)
    anonymous = {t.name: t for t in build_tools(assistant, ANONYMOUS)}
    for name in ("subject_status", "repair_steps", "applicable_measures"):
        text = anonymous[name].invoke({"subject": PERSON})
        assert "需要授权" in text and person.identifier not in text
    assert records.audit.recent(1) == before
    window = Principal("key:window", "window", "10.0.0.9")
    text = {t.name: t for t in build_tools(assistant, window)}["subject_status"].invoke({"subject": PERSON})
    assert PERSON in text
    entry = records.audit.recent(1)[0]
    assert (entry.who, entry.action, entry.channel, entry.client) == (
        "key:window",
        "subject_status",
        "tool",
        "10.0.0.9",
    )


def test_authorize_is_the_one_rule() -> None:
    assert role_of_key("dev-key", ["dev-key"], {}) == "admin"
    assert role_of_key("w", ["dev-key"], {"w": "window"}) == "window"
    assert role_of_key("nope", ["dev-key"], {"w": "window"}) is None
    assert role_of_key(None, ["dev-key"], {}) is None
    with pytest.raises(Unauthorized):
        authorize(ANONYMOUS, "subject_status")
    with pytest.raises(Forbidden):
        authorize(Principal("key:x", "window"), "import")
    with pytest.raises(Forbidden):
        authorize(Principal("key:x", "evaluator"), "repair_plan")
    authorize(Principal("key:x", "evaluator"), "evals")
    authorize(Principal("key:x", "admin"), "import")
