"""Eval runs as their owners handle them: the Chinese HTML report (every value escaped, a row per question), the
set templates the loader accepts, deleting a run (owner or admin only), failure reasons without class names."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from assistant.access import key_id
from assistant.api.app import create_app
from assistant.settings import Settings
from connectors.eval_runs import EvalRunStore, plain_error
from evals.datasets import load_bytes
from evals.html_report import html_report
from evals.template import COLUMNS
from tests.test_api_evals import wait_done

ADMIN = {"X-API-Key": "test-key"}
OWNER = {"X-API-Key": "eval-owner"}
OTHER = {"X-API-Key": "eval-other"}
HOSTILE = "<script>alert('x')</script>"
SET = (
    "id,question,type,must_include,split\n"
    f'H1,"开展诚信教育可以收费吗？{HOSTILE}",fact,不得收费,tune\n'
    "H2,开展诚信教育可以收费吗？,fact,不得收费|一个回答里不会有的词,check\n"
)


@pytest.fixture(scope="module")
def client(settings: Settings, assistant, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    roles = {"eval-owner": "evaluator", "eval-other": "evaluator"}
    own = settings.model_copy(
        update={
            "data_dir": tmp_path_factory.mktemp("eval-reports"),
            "api": settings.api.model_copy(update={"key_roles": roles}),
        }
    )
    with TestClient(create_app(own, assistant)) as test_client:
        yield test_client


def finished(client: TestClient, headers: dict) -> dict:
    response = client.post("/v1/evals", files={"file": ("hostile.csv", SET.encode())}, headers=headers)
    assert response.status_code == 202, response.text
    body = wait_done(client, response.json()["id"])
    assert body["status"] == "done", body
    return body


def test_the_html_report_is_chinese_escaped_and_has_a_row_per_question(client: TestClient) -> None:
    run = finished(client, OWNER)
    response = client.get(f"/v1/evals/{run['id']}/report.html", headers=OWNER)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert HOSTILE not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script" not in html  # no script at all: charts are CSS bars
    assert html.count("<tr class='pass'>") + html.count("<tr class='fail'>") == 2
    assert "H1" in html and "H2" in html and "一个回答里不会有的词" in html  # expected terms shown in full
    for heading in ("总体指标", "分组指标", "按题型严格通过率", "逐题结果"):
        assert f"{heading}" in html
    assert ">调优组<" in html and ">核验组<" in html and "严格通过率" in html
    for raw in (">strict_pass<", ">tune<", ">check<", ">p50<", "None"):
        assert raw not in html, raw


def test_html_report_escapes_metric_keys_and_sources() -> None:
    metrics = {"overall": {"strict_pass": 0.5}, "run": {"corpus_hash": "<b>"}, "strict_by_type": {}}
    rows = [
        {
            "kind": "qa",
            "id": "<i>",
            "type": "fact",
            "question": "问",
            "answer": "**标题**<img src=x>",
            "passed": False,
            "reasons": ["缺少要点：<u>"],
            "sources": [{"number": 1, "title": "<t>", "doc_number": "", "section_path": ""}],
        }
    ]
    html = html_report(metrics, rows, "<set>.csv")
    for raw in ("<i>", "<img", "<u>", "<t>", "<set>"):
        assert raw not in html, raw
    assert "语料版本：&lt;b&gt;" in html
    assert "<b>标题</b>&lt;img src=x&gt;" in html  # Markdown bold shown as bold, the rest escaped


@pytest.mark.parametrize("kind", ["qa", "routing", "dialog"])
def test_templates_download_and_load(client: TestClient, kind: str) -> None:
    for extension in ("csv", "xlsx"):
        response = client.get(f"/v1/evals/template.{extension}", params={"kind": kind}, headers=OWNER)
        assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
        loaded_kind, items = load_bytes(f"template.{extension}", response.content)
        assert loaded_kind == kind and items
    workbook = load_workbook(
        io.BytesIO(client.get(f"/v1/evals/template.xlsx?kind={kind}", headers=OWNER).content)
    )
    assert workbook.sheetnames[1] == "列说明"
    explained = [row[0] for row in workbook["列说明"].iter_rows(min_row=2, values_only=True)]
    assert explained == [c.name for c in COLUMNS[kind]]
    described = client.get("/v1/evals/format", headers=OWNER).json()[kind]["columns"]
    assert [c["name"] for c in described] == explained and all(c["meaning"] for c in described)
    assert client.get("/v1/evals/template.pdf", headers=OWNER).status_code == 422


def test_only_the_owner_or_an_admin_deletes_a_run(client: TestClient) -> None:
    run = finished(client, OWNER)
    assert run["created_by"] == key_id("eval-owner")
    refused = client.delete(f"/v1/evals/{run['id']}", headers=OTHER)
    assert refused.status_code == 403 and "删除" in refused.json()["detail"]
    assert client.delete(f"/v1/evals/{run['id']}").status_code == 401
    assert client.delete(f"/v1/evals/{run['id']}", headers=OWNER).json() == {"deleted": run["id"]}
    assert client.get(f"/v1/evals/{run['id']}", headers=OWNER).status_code == 404
    assert run["id"] not in {r["id"] for r in client.get("/v1/evals", headers=OWNER).json()}
    assert client.delete(f"/v1/evals/{run['id']}", headers=OWNER).status_code == 404
    another = finished(client, OTHER)
    assert client.delete(f"/v1/evals/{another['id']}", headers=ADMIN).status_code == 200


def test_a_failure_reason_never_shows_an_exception_class(client: TestClient, assistant) -> None:  # type: ignore[no-untyped-def]
    assert plain_error("InvalidQuestion: 问题不能为空。") == "问题不能为空。"
    assert plain_error("评测未能完成：题集有误") == "评测未能完成：题集有误"
    store = EvalRunStore(assistant.records.sessions)
    store.create("legacyfail01", "old.csv", "qa", 1, "old.csv", key_id("eval-owner"))
    store.fail("legacyfail01", "InvalidQuestion: 问题过长")
    listed = {r["id"]: r for r in client.get("/v1/evals", headers=OWNER).json()}
    assert listed["legacyfail01"]["error"] == "问题过长"
    client.delete("/v1/evals/legacyfail01", headers=OWNER)
