"""Per-question verdicts and run comparison, on hand-made results (pure functions)."""

from __future__ import annotations

from pathlib import Path

from evals.compare import flipped_questions, metric_label, question_key
from evals.datasets import DatasetError, QAItem, RowProblem, load_set
from evals.export import results_workbook
from evals.jobs import safe_file_name
from evals.results import QAResult, RouteResult, TurnResult
from evals.runner import result_row
from evals.verdicts import qa_verdict, route_verdict, turn_verdict


def qa(**overrides: object) -> QAResult:
    values: dict = {
        "id": "Q1",
        "set": "s",
        "type": "fact",
        "question": "问？",
        "route": "policy_qa",
        "answer": "甲",
        "refused": False,
    }
    values.update(overrides)
    return QAResult(**values)


def test_qa_verdicts_name_what_went_wrong() -> None:
    assert qa_verdict(qa(must_include=1.0)).passed
    missing = qa_verdict(qa(must_include=0.5, missing=["乙"]))
    assert (
        not missing.passed and missing.reasons == ["缺少要点：乙"] and missing.failures == ["missing_terms"]
    )
    refused = qa_verdict(qa(refused=True, must_include=0.0, missing=["甲"], route="out_of_scope"))
    assert refused.failures == ["refused", "missing_terms", "wrong_route"]
    assert qa_verdict(qa(type="unanswerable", refused=True)).passed
    answered = qa_verdict(qa(type="unanswerable", refused=False))
    assert answered.failures == ["not_refused"] and "应拒答" in answered.reasons[0]


def test_routing_and_dialog_verdicts() -> None:
    right = RouteResult("R1", "s", "问", "repair_steps", "repair_steps", "甲公司", "甲公司", True)
    assert route_verdict(right).passed
    wrong = RouteResult("R2", "s", "问", "repair_steps", "subject_status", "甲公司", None, False)
    verdict = route_verdict(wrong)
    assert verdict.failures == ["wrong_route", "wrong_subject"]
    assert verdict.reasons == [
        "路由错误：应为“信用修复方案”，实为“主体信用状况”",
        "主体错误：应为 甲公司，识别为 （无）",
    ]
    turn = TurnResult("D1", 2, "s", "它呢？", "repair_steps", "repair_steps", "甲公司", "乙公司", False)
    assert turn_verdict(turn).failures == ["wrong_subject"]
    row = result_row("dialog", turn)
    assert row["kind"] == "dialog" and row["passed"] is False and question_key(row) == ("dialog", "D1", "2")


def test_flipped_questions_by_id_across_runs() -> None:
    a = [
        result_row("qa", qa(id="Q1", must_include=1.0)),
        result_row("qa", qa(id="Q2", must_include=0.0, missing=["甲"])),
    ]
    b = [
        result_row("qa", qa(id="Q1", must_include=0.0, missing=["甲"])),
        result_row("qa", qa(id="Q3", must_include=1.0)),
    ]
    flips = flipped_questions(a, b)
    assert [f["id"] for f in flips["broken"]] == ["Q1"] and flips["fixed"] == []
    assert (flips["shared"], flips["only_a"], flips["only_b"]) == (1, 1, 1)
    assert (
        metric_label("check/strict_pass") == "核验组 · 严格通过率"
        and metric_label("hybrid/recall@5") == "混合检索 · 前5命中率"
    )


def test_list_cells_split_on_bar_and_full_width_semicolon(tmp_path: Path) -> None:
    path = tmp_path / "qa.csv"
    path.write_text('id,question,must_include,docs\n7,问？,甲；乙|丙,"[""a.txt""]"\n', "utf-8")
    _, items = load_set(path)
    item = items[0]
    assert isinstance(item, QAItem) and item.id == "7"
    assert item.must_include == ["甲", "乙", "丙"] and item.docs == ["a.txt"]


def test_dataset_errors_keep_row_column_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "route.csv"
    path.write_text("id,question,route\nR1,,weather\n", "utf-8")
    try:
        load_set(path)
    except DatasetError as exc:
        assert exc.problems == [
            RowProblem(2, "question", "不能为空"),
            RowProblem(2, "route", "应为 policy_qa/subject_status/repair_steps/applicable_measures"),
        ]
        assert exc.errors == [
            "第2行：question 不能为空；route 应为 policy_qa/subject_status/repair_steps/applicable_measures"
        ]
    else:
        raise AssertionError("a bad row must reject the file")


def test_excel_sheet_and_safe_names() -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    rows = [result_row("qa", qa(must_include=0.0, missing=["甲"], expected=["甲"]))]
    sheet = load_workbook(BytesIO(results_workbook(rows))).active
    header, first = list(sheet.iter_rows(values_only=True))
    assert first[header.index("结果")] == "未通过" and first[header.index("未通过原因")] == "缺少要点：甲"
    assert (
        safe_file_name("../../etc/题集.xlsx") == "题集.xlsx" and safe_file_name("C:\\x\\a:b.csv") == "a_b.csv"
    )
