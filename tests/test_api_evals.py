"""/v1/evals: upload and whole-file validation, background runs on the real assistant, results, compare,
downloads, and runs that survive a restart (real corpus, real encoder, real records database)."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.settings import Settings
from connectors.eval_runs import EvalRunStore
from evals.metrics import strict_pass
from evals.results import QAResult

KEY = {"X-API-Key": "test-key"}
QA_CSV = (
    "id,question,type,gold_quotes,must_include,split\n"
    'E1,开展诚信教育可以收费吗？,fact,"[""不得收费""]",不得收费,tune\n'
    "E2,濮阳的联合惩戒措施清单依托什么系统建立？,procedure,联合奖惩系统,联合奖惩系统；联合惩戒措施清单,check\n"
    "E3,信用修复申请需要在火星上提交吗？,unanswerable,,,\n"
)


@pytest.fixture(scope="module")
def eval_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The session's settings with the run files in a fresh data folder of their own."""
    return settings.model_copy(update={"data_dir": tmp_path_factory.mktemp("evals-data")})


@pytest.fixture(scope="module")
def client(eval_settings, assistant):  # type: ignore[no-untyped-def]
    with TestClient(create_app(eval_settings, assistant)) as test_client:
        yield test_client


def upload(client: TestClient, name: str, data: bytes, headers: dict | None = None):  # type: ignore[no-untyped-def]
    return client.post("/v1/evals", files={"file": (name, data)}, headers=KEY if headers is None else headers)


def wait_done(client: TestClient, run_id: str, limit: float = 300) -> dict:
    """Poll until the run leaves queued/running (bounded; not a timing assertion)."""
    deadline = time.monotonic() + limit
    while True:
        body = client.get(f"/v1/evals/{run_id}", headers=KEY).json()
        if body["status"] in ("done", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.3)


def run_set(client: TestClient, name: str, data: bytes) -> dict:
    response = upload(client, name, data)
    assert response.status_code == 202, response.text
    body = wait_done(client, response.json()["id"])
    assert body["status"] == "done", body
    return body


def test_evals_need_an_api_key(client: TestClient) -> None:
    assert upload(client, "qa.csv", QA_CSV.encode(), headers={}).status_code == 401
    assert client.get("/v1/evals").status_code == 401
    assert client.get("/v1/evals", headers={"X-API-Key": "wrong"}).status_code == 401


def test_a_bad_row_rejects_the_whole_file_with_rows_columns_and_reasons(client: TestClient) -> None:
    before = client.get("/v1/evals", headers=KEY).json()
    bad = (
        "id,question,type,must_include\n"
        "B1,开展诚信教育可以收费吗？,fact,不得收费\n"
        "B2,,fact,不得收费\n"
        "B1,重复的编号,fact,\n"
        'B4,问题,fact,"[""未闭合"\n'
    )
    response = upload(client, "bad.csv", bad.encode())
    assert response.status_code == 422 and response.headers["content-type"].startswith(
        "application/problem+json"
    )
    body = response.json()
    assert body["code"] == "invalid_eval_set" and "未开始评测" in body["detail"]
    errors = {(e["row"], e["column"]): e["reason"] for e in body["errors"]}
    assert errors[(3, "question")] == "不能为空"
    assert "重复" in errors[(4, "id")]
    assert (5, "must_include") in errors
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in reason) for reason in errors.values())
    assert 2 not in {row for row, _ in errors}  # the good row is not blamed
    assert client.get("/v1/evals", headers=KEY).json() == before  # nothing was queued


def test_unreadable_or_unknown_files_are_422(client: TestClient) -> None:
    assert upload(client, "set.txt", b"hello").json()["code"] == "invalid_eval_set"
    unknown = upload(client, "set.csv", b"a,b\n1,2\n")
    assert unknown.status_code == 422 and "无法识别题集类型" in unknown.json()["detail"]
    line = json.dumps({"id": "R1", "question": "你好", "route": "weather"}, ensure_ascii=False)
    routing = upload(client, "route.jsonl", line.encode())
    assert routing.json()["errors"] == [
        {
            "row": 1,
            "column": "route",
            "reason": "应为 policy_qa/subject_status/repair_steps/applicable_measures",
        }
    ]


def test_csv_qa_set_runs_in_the_background_with_per_question_results(client: TestClient) -> None:
    body = run_set(client, "qa_small.csv", QA_CSV.encode("utf-8"))
    assert body["kind"] == "qa" and body["size"] == 3 and body["done"] == 3 and body["progress"] == 1.0
    assert body["versions"]["corpus_hash"] and body["versions"]["encoder"]
    assert body["versions"]["retrieval"]["dense_weight"] == pytest.approx(0.35)
    results = {r["id"]: r for r in body["results"]}
    assert set(results) == {"E1", "E2", "E3"}
    first = results["E1"]
    assert first["passed"] and first["expected"] == ["不得收费"] and "不得收费" in first["answer"]
    assert first["sources"] and first["sources"][0]["doc_number"] == "濮信用〔2020〕3号"
    assert results["E2"]["expected"] == ["联合奖惩系统", "联合惩戒措施清单"]  # `；` separates list cells
    for row in body["results"]:
        fields = {k: row[k] for k in QAResult.__dataclass_fields__ if k in row}
        assert row["passed"] == strict_pass(QAResult(**fields))  # the metrics' own strict pass
        assert bool(row["reasons"]) != row["passed"]
    assert body["metrics"]["overall"]["qa_questions"] == 3
    assert body["headline"]["strict_pass"] == body["metrics"]["overall"]["strict_pass"]
    failed = client.get(f"/v1/evals/{body['id']}", params={"passed": "false"}, headers=KEY).json()
    assert [r["id"] for r in failed["results"]] == [r["id"] for r in body["results"] if not r["passed"]]
    listed = client.get("/v1/evals", headers=KEY).json()
    assert listed[0]["id"] == body["id"] and listed[0]["set_name"] == "qa_small.csv"


def test_downloads_report_and_excel(client: TestClient) -> None:
    from openpyxl import load_workbook

    run_id = run_set(client, "qa_dl.csv", QA_CSV.encode())["id"]
    report = client.get(f"/v1/evals/{run_id}/report.html", headers=KEY)
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "评测报告" in report.text and "逐题结果" in report.text and "E3" in report.text
    sheet = client.get(f"/v1/evals/{run_id}/results.xlsx", headers=KEY)
    assert sheet.status_code == 200 and "attachment" in sheet.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    header = rows[0]
    assert {"问题", "期望要点", "回答", "引用", "实际路由", "结果", "未通过原因"} <= set(header)
    assert sorted(r[header.index("题号")] for r in rows[1:]) == ["E1", "E2", "E3"]
    assert client.get("/v1/evals/nope/results.xlsx", headers=KEY).status_code == 404


def test_routing_xlsx_and_dialog_jsonl_sets_run(client: TestClient) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["id", "question", "route", "subject", "split"])
    sheet.append([1, "开展诚信教育可以收费吗？", "policy_qa", "", "tune"])
    sheet.append(
        [
            2,
            "朝阳市北方粮油贸易有限公司现在的信用状况怎么样？",
            "subject_status",
            "朝阳市北方粮油贸易有限公司",
            "",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    routing = run_set(client, "route.xlsx", buffer.getvalue())
    assert routing["kind"] == "routing" and {r["id"] for r in routing["results"]} == {"1", "2"}
    assert routing["metrics"]["overall"]["routing_questions"] == 2
    turns = [
        {
            "question": "翁源县青云茶业有限公司的信用状况怎么样？",
            "route": "subject_status",
            "subject": "翁源县青云茶业有限公司",
        },
        {"question": "那它怎么修复？", "route": "repair_steps", "subject": "翁源县青云茶业有限公司"},
    ]
    dialog = run_set(
        client, "dialog.jsonl", json.dumps({"id": "D1", "turns": turns}, ensure_ascii=False).encode()
    )
    assert dialog["kind"] == "dialog" and dialog["size"] == 1
    assert [(r["dialog_id"], r["turn"]) for r in dialog["results"]] == [("D1", 1), ("D1", 2)]
    assert all(
        r["passed"] == (r["route"] == r["gold_route"] and r["subject_match"]) for r in dialog["results"]
    )


def test_compare_gives_metric_deltas_and_flipped_questions(client: TestClient) -> None:
    a = run_set(client, "qa_a.csv", QA_CSV.encode())
    changed = QA_CSV.replace(",不得收费,tune", ",不得收费|一个回答里不会有的词,tune")
    b = run_set(client, "qa_b.csv", changed.encode())
    body = client.get("/v1/evals/compare", params={"a": a["id"], "b": b["id"]}, headers=KEY).json()
    assert body["a"]["id"] == a["id"] and body["shared"] == 3 and body["only_a"] == body["only_b"] == 0
    assert [f["id"] for f in body["broken"]] == ["E1"] and body["fixed"] == []
    flip = body["broken"][0]
    assert flip["a"]["passed"] and not flip["b"]["passed"]
    assert any("一个回答里不会有的词" in reason for reason in flip["b"]["reasons"])
    strict = next(m for m in body["metrics"] if m["metric"] == "strict_pass")
    assert strict["label"] == "严格通过率" and strict["delta"] == pytest.approx(-1 / 3)
    back = client.get("/v1/evals/compare", params={"a": b["id"], "b": a["id"]}, headers=KEY).json()
    assert [f["id"] for f in back["fixed"]] == ["E1"] and back["broken"] == []
    missing = client.get("/v1/evals/compare", params={"a": a["id"], "b": "nope"}, headers=KEY)
    assert missing.status_code == 404 and missing.json()["code"] == "eval_run_not_found"


def test_runs_survive_a_restart_and_unfinished_runs_start_again(  # type: ignore[no-untyped-def]
    eval_settings: Settings, assistant, client: TestClient
) -> None:
    finished = run_set(client, "qa_restart.csv", QA_CSV.encode())
    store = EvalRunStore(assistant.records.sessions)
    folder: Path = eval_settings.evals_dir / "cutshort0001"
    folder.mkdir(parents=True)
    (folder / "cut.csv").write_text(QA_CSV, "utf-8")
    store.create("cutshort0001", "cut.csv", "qa", 3, "cut.csv", "test")
    store.start("cutshort0001")  # as if the service stopped in the middle of this run
    store.progress("cutshort0001", 1)
    failed = store.create("failed000001", "gone.csv", "qa", 1, "gone.csv", "test")
    store.fail(failed.id, "测试：运行失败")
    store.create("elsewhere001", "other.csv", "qa", 1, "other.csv", "test")
    store.start("elsewhere001")  # a run of a service with another data folder: not this one's to resume
    store.create("nofiles00001", "gone.csv", "qa", 1, "gone.csv", "test")
    store.finish("nofiles00001", {}, {})  # listed as done, but its folder is gone
    with TestClient(create_app(eval_settings, assistant)) as restarted:
        listed = {r["id"]: r for r in restarted.get("/v1/evals", headers=KEY).json()}
        assert listed[finished["id"]]["status"] == "done"
        again = restarted.get(f"/v1/evals/{finished['id']}", headers=KEY).json()
        assert again["results"] == finished["results"] and again["metrics"] == finished["metrics"]
        resumed = wait_done(restarted, "cutshort0001")
        assert resumed["status"] == "done" and resumed["done"] == 3 and len(resumed["results"]) == 3
        refused = restarted.get(f"/v1/evals/{failed.id}/report.html", headers=KEY)
        assert refused.status_code == 409 and "测试：运行失败" in refused.json()["detail"]
        gone = restarted.get("/v1/evals/nofiles00001", headers=KEY)
        assert gone.status_code == 404 and "结果文件" in gone.json()["detail"]
        assert restarted.get("/v1/evals/elsewhere001", headers=KEY).json()["status"] == "running"
    store.fail("elsewhere001", "测试结束")
