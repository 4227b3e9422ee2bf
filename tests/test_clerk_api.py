"""The clerk's API: a name search counted and paged, the printable measures sheet (access check, audit, content,
local measures first), and the explanation of a low credit grade (real corpus, real records database)."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.access import local_operator
from assistant.api.app import create_app
from assistant.measures_sheet import MeasuresSheet, SheetSubject, masked_name, sheet_html
from assistant.models import Answer
from connectors.models import Evaluation, Subject

KEY = {"X-API-Key": "test-key"}
COMPANY = "濮阳市恒达建材有限公司"


@pytest.fixture(scope="module")
def client(settings, assistant):  # type: ignore[no-untyped-def]
    roles = {"eval-only-key": "evaluator"}
    with_roles = settings.model_copy(update={"api": settings.api.model_copy(update={"key_roles": roles})})
    with TestClient(create_app(with_roles, assistant)) as test_client:
        yield test_client


def code_of(records, name: str) -> str:  # type: ignore[no-untyped-def]
    return str(records.repository.by_name(name)[0].subject.uscc)


class TextOf(HTMLParser):
    """The visible text of an HTML document (what a reader sees), without tags, style or script."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = TextOf()
    parser.feed(html)
    return "".join(parser.parts)


# ---- name search: total and paging ----


def test_a_name_search_is_counted_and_paged(client: TestClient) -> None:
    first = client.get("/v1/subjects", params={"name": "濮阳市", "limit": 3}, headers=KEY).json()
    assert first["total"] > 5 and first["offset"] == 0 and first["limit"] == 3 and len(first["items"]) == 3
    second = client.get(
        "/v1/subjects", params={"name": "濮阳市", "limit": 3, "offset": 3}, headers=KEY
    ).json()
    assert second["total"] == first["total"] and len(second["items"]) == 3
    names = [m["identifier"] for m in first["items"] + second["items"]]
    assert len(set(names)) == 6  # pages do not overlap
    last = client.get(
        "/v1/subjects", params={"name": "濮阳市", "limit": 3, "offset": first["total"] - 1}, headers=KEY
    ).json()
    assert len(last["items"]) == 1
    exact = client.get("/v1/subjects", params={"name": COMPANY}, headers=KEY).json()
    assert exact["items"][0]["name"] == COMPANY and exact["items"][0]["score"] == 100.0
    assert exact["total"] >= 1
    bad = client.get("/v1/subjects", params={"name": "濮阳", "limit": 0}, headers=KEY)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")


# ---- the measures sheet ----


def test_the_measures_sheet_needs_a_record_key_and_is_audited(client: TestClient, records) -> None:  # type: ignore[no-untyped-def]
    code = code_of(records, COMPANY)
    path = f"/v1/subjects/{code}/measures.html"
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"X-API-Key": "eval-only-key"}).status_code == 403
    response = client.get(path, headers=KEY)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    entry = records.audit.recent(1)[0]
    subject = records.repository.by_uscc(code)
    assert (entry.action, entry.target, entry.subject_id) == ("measures", code, subject.id)
    missing = client.get("/v1/subjects/91350100M000100Y43/measures.html", headers=KEY)
    assert missing.status_code == 404 and missing.json()["code"] == "subject_not_found"


def test_the_measures_sheet_has_title_date_subject_sources_and_local_measures_first(  # type: ignore[no-untyped-def]
    client: TestClient, records, assistant
) -> None:
    code = code_of(records, COMPANY)
    html = client.get(f"/v1/subjects/{code}/measures.html", headers=KEY).text
    text = visible_text(html)
    assert f"<title>适用措施清单 · {COMPANY}</title>" in html
    assert f"{assistant.today:%Y年%m月%d日}" in text and code in text and "统一社会信用代码" in text
    assert "严重失信主体名单" in text  # the status that decides the measures
    assert "政策出处" in text and "濮信用〔2020〕3号" in text and "知识库版本" in text
    local_part, _, other_part = html.partition("<details class='others'>")
    assert "河南省濮阳市" in local_part and "舞信用办〔2018〕3号" not in local_part.split("<h2>政策出处")[0]
    assert "舞信用办〔2018〕3号" in other_part  # other places: below the divider, collapsed
    assert "None" not in text


def test_the_category_sheet_puts_the_chosen_place_first(client: TestClient) -> None:
    body = client.get("/v1/measures", params={"status": "严重失信", "locality": "濮阳"}).json()
    scopes = [row["scope"] for row in body["data"]["measures"]]
    assert scopes[0] == "local" and "other" in scopes
    assert scopes == sorted(scopes, key=["local", "province", "other"].index)  # local, own province, others
    places = {row["place"] for row in body["data"]["measures"] if row["scope"] == "local"}
    assert places == {"河南省濮阳市"}
    assert {row["category_title"] for row in body["data"]["measures"]} == {"失信联合惩戒措施"}  # the UI shows it
    assert "不直接适用于濮阳" in body["text"]
    sheet = client.get("/v1/measures.html", params={"status": "严重失信", "locality": "濮阳"})
    assert sheet.status_code == 200 and "措施清单 · 严重失信 · 濮阳" in sheet.text
    bad = client.get("/v1/measures.html", params={"status": "不存在"})
    assert bad.status_code == 422


def test_a_natural_persons_name_and_id_are_masked_and_values_escaped() -> None:
    person = SheetSubject("张三丰", "41**************3X", "自然人", "河南省濮阳市")
    assert masked_name(person) == "张**"
    answer = Answer(text="<b>x</b>", route="applicable_measures", data={"categories": []})
    html = sheet_html(MeasuresSheet(dt.date(2026, 11, 23), answer, "<v1>", subject=person))
    assert "张三丰" not in html and "张**" in html and "41**************3X" in html
    assert "<v1>" not in html and "&lt;v1&gt;" in html and "<b>x</b>" not in html


# ---- a low grade explained ----


def test_a_d_grade_is_explained_with_its_records_and_what_improves_it(assistant, records) -> None:  # type: ignore[no-untyped-def]
    with records.sessions() as session:
        ids = session.scalars(
            select(Subject.id)
            .join(Evaluation, Evaluation.subject_id == Subject.id)
            .where(Evaluation.grade == "D")
        ).all()
    assert ids
    subject = records.repository.by_id(ids[0])
    answer, _ = assistant.answer_about("repair_steps", subject, local_operator("test"))
    note = answer.data["grade_note"]
    assert note["grade"] == "D" and "高风险" in note["level"]
    text = "\n".join(note["lines"])
    assert "等级含义" in text and "依据的记录" in text and "如何改善" in text
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    assert cited and cited <= {c.number for c in answer.citations}
    meaning = next(line for line in note["lines"] if "等级含义" in line)
    number = int(re.findall(r"\[(\d+)\]", meaning)[0])
    quote = next(c for c in answer.citations if c.number == number).quote
    assert "风险较高" in quote  # the grade's meaning, quoted from the local document
    assert "没有需要修复的失信记录" not in answer.text
