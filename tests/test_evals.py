"""Eval sets are validated before anything runs; metrics are right; quality stays above floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.datasets import DatasetError, load_set
from evals.metrics import confusion, first_hit_rank, must_include_coverage, refusal_scores, retrieval_metrics
from evals.parts import LabelledPart, part_verdicts
from evals.report import compare_runs, write_report
from evals.runner import result_rows, run_sets, summarise

# Floors set just under what the dev sets reach (see README); speed is reported, never asserted.
FLOORS = {
    "routing_accuracy": 0.95,
    "subject_accuracy": 0.95,
    "must_include": 0.90,
    "refusal_accuracy": 0.95,
    "hybrid_recall@5": 0.95,
}
DEV_SETS = Path(__file__).resolve().parents[1] / "evals" / "data"  # copies of shared/evals dev sets
DEV_QA = DEV_SETS / "qa_dev.jsonl"
DEV_ROUTE = DEV_SETS / "route_dev.jsonl"
ALL_DEV_SETS = [
    DEV_QA,
    DEV_ROUTE,
    *(DEV_SETS / n for n in ("qa_dev2.jsonl", "route_dev2.jsonl", "dialog_dev2.jsonl")),
]
# Floors per split, set just under what `credit-assistant eval run` reaches on all dev sets (README table):
# a change that loses quality on either half fails here.
SPLIT_FLOORS = {
    "tune": {
        "strict_pass": 0.97,  # reached 1.000
        "must_include": 0.97,  # 1.000
        "false_refusal_rate": 0.04,  # 0.000 (at most)
        "refusal_recall": 0.9,  # 1.000 (10 questions)
        "routing_accuracy": 0.96,  # 0.980
        "subject_accuracy": 0.96,  # 0.980
        "dialog_both_accuracy": 0.97,  # 1.000
        "hybrid_recall@5": 0.94,  # 0.958
    },
    "check": {
        "strict_pass": 0.95,  # 0.981
        "must_include": 0.97,  # 1.000
        "false_refusal_rate": 0.04,  # 0.000 (at most)
        "refusal_recall": 0.8,  # 0.900 (10 questions)
        "routing_accuracy": 0.96,  # 0.980
        "subject_accuracy": 0.98,  # 1.000
        "dialog_both_accuracy": 0.97,  # 1.000
        "hybrid_recall@5": 0.94,  # 0.952
    },
}


def test_metrics_are_computed_right() -> None:
    assert first_hit_rank(["甲", "乙：信用  修复"], ["信用修复"]) == 2
    assert retrieval_metrics([1, 3, None]) == {
        "recall@1": 1 / 3,
        "recall@5": 2 / 3,
        "recall@10": 2 / 3,
        "mrr@10": (1 + 1 / 3) / 3,
    }
    assert must_include_coverage("应先行受理", ["先行受理", "书面承诺"]) == 0.5
    scores = refusal_scores([(True, True), (False, True), (False, False)])
    assert scores["refusal_precision"] == 0.5 and scores["refusal_recall"] == 1.0
    assert confusion([("a", "a"), ("a", "b")]) == {"a": {"a": 1, "b": 1}}


def test_csv_set_with_a_bad_row_is_rejected_with_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "qa.csv"
    path.write_text(
        "id,question,type,gold_quotes,must_include\n"
        'Q1,信用修复有哪些方式？,procedure,"[""信用承诺""]",信用承诺|专题培训\n'
        "Q2,,fact,,\n"
        "Q1,重复的编号,fact,,\n",
        "utf-8",
    )
    with pytest.raises(DatasetError) as caught:
        load_set(path)
    assert any(e.startswith("第3行") and "question" in e for e in caught.value.errors)
    assert any(e.startswith("第4行") and "重复" in e for e in caught.value.errors)


def test_xlsx_routing_set_loads(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["id", "question", "route", "subject"])
    sheet.append(["R1", "信用修复有哪些方式？", "policy_qa", ""])
    path = tmp_path / "route.xlsx"
    workbook.save(path)
    kind, items = load_set(path)
    assert kind == "routing" and items[0].subject is None


def test_bad_route_value_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "route.jsonl"
    path.write_text('{"id": "R1", "question": "你好", "route": "weather"}\n', "utf-8")
    with pytest.raises(DatasetError) as caught:
        load_set(path)
    assert "policy_qa" in caught.value.errors[0]


@pytest.mark.slow
def test_dev_sets_stay_above_quality_floors(assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = run_sets(assistant, [DEV_QA, DEV_ROUTE], progress=False)
    metrics = summarise(run)
    overall = metrics["overall"]
    for name, floor in FLOORS.items():
        assert overall[name] is not None and overall[name] >= floor, (name, overall[name])
    retrieval = metrics["retrieval"]
    assert retrieval["hybrid"]["mrr@10"] > max(retrieval["bm25"]["mrr@10"], retrieval["dense"]["mrr@10"])
    assert set(retrieval) == {"bm25", "dense", "hybrid", "langchain_faiss"}
    write_report(tmp_path / "run", metrics, result_rows(run))
    for name in ("report.md", "report.html", "results.jsonl", "metrics.json"):
        assert (tmp_path / "run" / name).stat().st_size > 0
    report = (tmp_path / "run" / "report.html").read_text("utf-8")
    assert "逐题结果" in report and "按题型严格通过率" in report and "<img" not in report
    deltas = compare_runs(metrics, metrics)
    assert all(delta in (None, 0.0) for _, _, _, delta in deltas)


def assert_split_floors(metrics: dict, split_floors: dict[str, dict[str, float]]) -> None:
    """Every floor of every half holds (false refusals are a ceiling)."""
    for split, floors in split_floors.items():
        scores = metrics["splits"][split]
        for name, floor in floors.items():
            value = scores[name]
            assert value is not None, (split, name)
            if name == "false_refusal_rate":
                assert value <= floor, (split, name, value)
            else:
                assert value >= floor, (split, name, value)


@pytest.mark.slow
def test_every_dev_set_stays_above_its_floor_on_both_halves(assistant) -> None:  # type: ignore[no-untyped-def]
    metrics = summarise(run_sets(assistant, ALL_DEV_SETS, progress=False))
    assert_split_floors(metrics, SPLIT_FLOORS)
    retrieval = metrics["retrieval_by_split"]
    for split in ("tune", "check"):
        assert retrieval[split]["hybrid"]["mrr@10"] >= retrieval[split]["bm25"]["mrr@10"], split


def test_part_verdicts_read_each_part_in_its_own_block() -> None:
    parts = [
        LabelledPart(text="哪一版", answerable=True, must_include=["2020版"]),
        LabelledPart(text="电话多少", answerable=False),
    ]
    answer = "（1）哪一版？\n编制《目录（2020版）》[1]\n（2）电话多少？\n现有文件未就此作出规定。"
    assert part_verdicts(answer, False, parts) == [True, True]
    swapped = "（1）哪一版？\n现有文件未就此作出规定。\n（2）电话多少？\n编制《目录（2020版）》[1]"
    assert part_verdicts(swapped, False, parts) == [False, False]
    assert part_verdicts("现有政策文件未涉及……", True, parts) == [False, True]


PROBE_FLOORS = {
    "strict_pass": 0.85,
    "false_refusal_rate": 0.05,
    "refusal_recall": 0.85,
}  # 0.871 / 0.033 / 0.900 on 2026-12-03 (third session: places named in a document's head, refit per corpus)


# labelled parts of multipart_probe answered right: answerable, unanswerable — reached 0.849 / 0.621 on
# 2026-12-03 (third session; 0.863 / 0.586 before the refusal share was fitted within the false-refusal budget)
MULTIPART_FLOORS = (0.84, 0.60)


@pytest.mark.slow
def test_probe_sets_written_apart_from_the_dev_sets_stay_above_their_floors(assistant) -> None:  # type: ignore[no-untyped-def]
    """qa_probe (70) and multipart_probe (80 questions, 168 labelled parts) were written by helpers who never
    saw the dev sets, and are never tuned on: they show what unseen questions get."""
    scores = summarise(run_sets(assistant, [DEV_SETS / "qa_probe.jsonl"], progress=False))["splits"]["check"]
    assert scores["strict_pass"] >= PROBE_FLOORS["strict_pass"], scores["strict_pass"]
    assert scores["false_refusal_rate"] <= PROBE_FLOORS["false_refusal_rate"], scores["false_refusal_rate"]
    assert scores["refusal_recall"] >= PROBE_FLOORS["refusal_recall"], scores["refusal_recall"]
    answerable, unanswerable = [], []
    for line in (DEV_SETS / "multipart_probe.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        parts = [LabelledPart.model_validate(p) for p in row["parts"]]
        answer = assistant.ask(row["question"])
        for part, right in zip(parts, part_verdicts(answer.text, answer.refused, parts), strict=True):
            (answerable if part.answerable else unanswerable).append(right)
    parts = (sum(answerable) / len(answerable), sum(unanswerable) / len(unanswerable))
    assert parts[0] >= MULTIPART_FLOORS[0] and parts[1] >= MULTIPART_FLOORS[1], parts


# qa_regs_dev (the six development regulations, with the five plans loaded too): floors just under what
# `credit-assistant eval run` reaches on the eleven-document corpus (README table), both halves.
REGS_FLOORS = {  # reached 2026-12-03 (fourth session): tune 0.820 / 0.000 / 1.000, check 0.881 / 0.020 / 1.000
    "tune": {"strict_pass": 0.80, "false_refusal_rate": 0.03, "refusal_recall": 0.95, "hybrid_recall@5": 0.92},
    "check": {"strict_pass": 0.86, "false_refusal_rate": 0.05, "refusal_recall": 0.95, "hybrid_recall@5": 0.93},
}
ANSWER_SHAPE_FLOORS = {"answer_lead": 0.73, "answer_chars_median": 210}  # reached 0.750 and 189 on qa_regs_dev (2026-12-04)


@pytest.mark.slow
def test_regulation_questions_stay_above_their_floors(regs_assistant) -> None:  # type: ignore[no-untyped-def]
    metrics = summarise(run_sets(regs_assistant, [DEV_SETS / "qa_regs_dev.jsonl"], progress=False))
    assert_split_floors(metrics, REGS_FLOORS)
    everything = metrics["splits"]["all"]
    assert everything["answer_lead"] >= ANSWER_SHAPE_FLOORS["answer_lead"], everything["answer_lead"]
    assert everything["answer_chars_median"] <= ANSWER_SHAPE_FLOORS["answer_chars_median"]
