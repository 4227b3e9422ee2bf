"""The OpenAPI contract: schemathesis with every check against the app in-process, plus what it relies on."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.settings import Settings
from tests.contract_run import UploadCase, check_upload_cases, run_contract

KEY = "contract-key"


@pytest.fixture(scope="module")
def contract_app(settings, policy_corpus, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The real app over the real corpus and index, with its own records database (imports are fuzzed)."""
    from assistant.bootstrap import open_records
    from assistant.service import Assistant

    own = Settings(
        data_dir=tmp_path_factory.mktemp("contract"),
        today=settings.today,
        api={"api_keys": [KEY]},  # type: ignore[arg-type]
    )
    return create_app(own, Assistant(own, policy_corpus, open_records(own)))


@pytest.mark.slow
def test_schemathesis_finds_nothing_with_every_check(contract_app) -> None:  # type: ignore[no-untyped-def]
    report = run_contract(contract_app, KEY, max_examples=25)
    assert not report.errors, "\n".join(report.errors)
    assert not report.failures, "\n\n".join(str(f) for f in report.failures)
    paths = TestClient(contract_app).get("/openapi.json").json()["paths"]
    documented = {f"{method.upper()} {path}" for path, item in paths.items() for method in item}
    assert documented <= report.operations  # every operation was exercised
    for check in (
        "positive_data_acceptance",
        "negative_data_rejection",
        "ignored_auth",
        "unsupported_method",
    ):
        assert report.checks_passed[check] > 0, check


def test_upload_cases_hold_to_the_contract(contract_app) -> None:  # type: ignore[no-untyped-def]
    """Real files through both upload operations, every schemathesis check on each response: a valid GBK file,
    a hostile spreadsheet (413), a field over the CSV limit, a set that fails the run's own checks (422)."""
    from tests.test_security_input import expanding_xlsx, far_corner_xlsx

    routing = json.dumps(
        {"id": "C1", "question": "开展诚信教育可以收费吗？", "route": "policy_qa"}, ensure_ascii=False
    )
    subjects = "uscc,name,kind\n91350100M000100Y43,契约测试有限公司,法人\n"
    long_field = "id,question,route\n1," + "长" * 131_073 + ",policy_qa\n"
    bad_set = json.dumps({"id": "Q", "question": "信用修复\ud800", "type": "$\\foo{$"})
    cases = [
        UploadCase("/v1/records/import", "subjects.csv", subjects.encode("gbk"), 200),
        UploadCase("/v1/records/import", "subjects.xlsx", far_corner_xlsx(), 413),
        UploadCase("/v1/records/import", "subjects.csv", long_field.encode(), 422),
        UploadCase("/v1/records/import", "subjects.xlsx", b"not a workbook", 422),
        UploadCase("/v1/evals", "route.jsonl", routing.encode("gbk"), 202),
        UploadCase("/v1/evals", "set.xlsx", expanding_xlsx(), 413),
        UploadCase("/v1/evals", "set.csv", long_field.encode(), 422),
        UploadCase("/v1/evals", "set.jsonl", bad_set.encode(), 422),
    ]
    assert check_upload_cases(contract_app, KEY, cases) == []


def test_problem_responses_are_documented_with_examples(contract_app) -> None:  # type: ignore[no-untyped-def]
    spec = TestClient(contract_app).get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["ApiKeyAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "API 密钥（查询或导入主体记录时必需；政策问答不需要）",
    }
    # A policy question needs no key; the same operation returns records only with one.
    ask_security = spec["paths"]["/v1/ask"]["post"]["security"]
    assert {} in ask_security and {"ApiKeyAuth": []} in ask_security
    by_code = spec["paths"]["/v1/subjects/{code}"]["get"]
    assert by_code["security"] == [{"ApiKeyAuth": []}]
    for status in ("401", "404", "422", "500", "503"):
        content = by_code["responses"][status]["content"]
        assert list(content) == ["application/problem+json"]
        assert content["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/ProblemDetails"
        }
    invalid = by_code["responses"]["422"]["content"]["application/problem+json"]["examples"]["invalid_uscc"]
    assert invalid["value"]["code"] == "invalid_uscc" and "校验位" in invalid["value"]["detail"]
    code = next(p for p in by_code["parameters"] if p["name"] == "code")["schema"]
    assert code["format"] == "uscc" and code["pattern"].startswith("^")
    question = spec["components"]["schemas"]["AskRequest"]["properties"]["question"]
    assert question["minLength"] == 1 and question["maxLength"] == 500
    measures = spec["paths"]["/v1/measures"]["get"]["parameters"]
    assert next(p for p in measures if p["name"] == "status")["required"] is True


def test_method_not_allowed_names_the_allowed_methods(contract_app) -> None:  # type: ignore[no-untyped-def]
    response = TestClient(contract_app).request("TRACE", "/v1/documents")
    assert response.status_code == 405 and response.headers["allow"] == "GET, POST"
    assert response.headers["content-type"].startswith("application/problem+json")


def test_question_limit_in_the_schema_follows_the_setting(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(Settings(data_dir=tmp_path, api={"max_question_chars": 120}))  # type: ignore[arg-type]
    spec = app.openapi()
    assert spec["components"]["schemas"]["AskRequest"]["properties"]["question"]["maxLength"] == 120


def test_measures_by_category_or_by_subject(contract_app, records) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(contract_app)
    key = {"X-API-Key": KEY}
    missing = client.get("/v1/measures", params={"locality": "翁源"}, headers=key)
    assert missing.status_code == 422 and missing.json()["errors"] == [
        {"field": "status", "reason": "缺少必填项"}
    ]
    code = records.repository.by_name("朝阳市北方粮油贸易有限公司")[0].subject.uscc
    answer = client.get(f"/v1/subjects/{code}/measures", headers=key).json()
    assert answer["route"] == "applicable_measures" and answer["subject"]["identifier"] == code
    assert client.get(f"/v1/subjects/{code}/measures").status_code == 401


def test_not_blank_in_the_schema_is_the_blank_check_of_the_api() -> None:
    """The documented pattern rejects exactly what `str.strip` empties: schemathesis found q="\\x1d\\x1e" valid by
    JSON Schema's \\S yet refused as blank."""
    import re
    import sys

    from assistant.api.schemas import NOT_BLANK

    pattern = re.compile(NOT_BLANK["pattern"])
    disagree = [i for i in range(sys.maxunicode + 1) if bool(pattern.search(chr(i))) == chr(i).isspace()]
    assert disagree == []
    assert not pattern.search("\x1d\x1e \u3000") and pattern.search("\ufeff")
