"""Dialog sets and tune/check splits: loading, whole-file validation, split-aware metrics, dialog runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.datasets import DatasetError, DialogItem, load_set
from evals.metrics import (
    dialog_scores,
    in_split,
    qa_scores,
    retrieval_by_method,
    routing_scores,
    split_scores,
    strict_by_type,
    strict_pass,
)
from evals.report import markdown_report, split_rows, type_rows
from evals.results import EvalRun, QAResult, RouteResult, TurnResult
from evals.summary import summarise

DEV_DIALOG = Path(__file__).resolve().parents[1] / "evals" / "data" / "dialog_dev2.jsonl"
TURN_1 = {"question": "帮我查一下甲公司的信用记录", "route": "subject_status", "subject": "甲公司"}
TURN_2 = {"question": "它该怎么修复？", "route": "repair_steps", "subject": "甲公司"}


def csv_cell(value: object) -> str:
    return '"' + json.dumps(value, ensure_ascii=False).replace('"', '""') + '"'


# ---- loading ----


def test_dev_dialog_set_loads_with_splits() -> None:
    kind, items = load_set(DEV_DIALOG)
    assert kind == "dialog" and len(items) == 12
    assert all(isinstance(item, DialogItem) and item.turns for item in items)
    assert {item.split for item in items} == {"tune", "check"}


def test_jsonl_dialog_set_loads(tmp_path: Path) -> None:
    path = tmp_path / "dialog.jsonl"
    rows = [
        {"id": "D1", "turns": [TURN_1, TURN_2], "split": "tune"},
        {
            "id": "D2",
            "turns": [{"question": "濮阳的信用承诺怎么做？", "route": "policy_qa", "subject": None}],
        },
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    kind, items = load_set(path)
    assert kind == "dialog"
    first, second = items
    assert isinstance(first, DialogItem) and isinstance(second, DialogItem)
    assert [t.route for t in first.turns] == ["subject_status", "repair_steps"]
    assert first.split == "tune" and second.split == "all"
    assert second.turns[0].subject is None


def test_csv_dialog_set_holds_turns_as_json(tmp_path: Path) -> None:
    path = tmp_path / "dialog.csv"
    path.write_text(
        "id,turns,split\n"
        f"D1,{csv_cell([TURN_1, TURN_2])},check\n"
        f"D2,{csv_cell([{**TURN_1, 'subject': ''}])},\n",
        "utf-8",
    )
    kind, items = load_set(path)
    assert kind == "dialog"
    first, second = items
    assert isinstance(first, DialogItem) and isinstance(second, DialogItem)
    assert first.split == "check" and first.turns[1].subject == "甲公司"
    assert second.split == "all" and second.turns[0].subject is None


def test_bad_dialog_row_rejects_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "dialog.csv"
    path.write_text(
        "id,turns,split\n"
        f"D1,{csv_cell([TURN_1])},tune\n"
        f"D2,{csv_cell([TURN_1, {'question': '天气如何', 'route': 'weather'}])},tune\n"
        "D3,不是JSON,check\n"
        f"D4,{csv_cell([TURN_2])},later\n",
        "utf-8",
    )
    with pytest.raises(DatasetError) as caught:
        load_set(path)
    errors = caught.value.errors
    assert "未开始评测" in caught.value.message
    assert any(e.startswith("第3行") and "第2轮" in e and "policy_qa" in e for e in errors)
    assert any(e.startswith("第4行") and "turns" in e and "JSON" in e for e in errors)
    assert any(e.startswith("第5行") and "split 应为" in e for e in errors)
    assert not any(e.startswith("第2行") for e in errors)


def test_split_on_qa_and_routing_rows(tmp_path: Path) -> None:
    qa = tmp_path / "qa.jsonl"
    qa.write_text(
        '{"id": "Q1", "question": "问？", "type": "fact", "must_include": ["甲"], "split": "check"}\n'
        '{"id": "Q2", "question": "问？", "type": "fact", "must_include": ["甲"]}\n',
        "utf-8",
    )
    assert [item.split for item in load_set(qa)[1]] == ["check", "all"]
    route = tmp_path / "route.jsonl"
    route.write_text('{"id": "R1", "question": "你好", "route": "policy_qa", "split": "dev"}\n', "utf-8")
    with pytest.raises(DatasetError) as caught:
        load_set(route)
    assert "split 应为 tune/check" in caught.value.errors[0]


# ---- split-aware metrics on hand-made results ----


def qa(id_: str, kind: str, split: str, refused: bool = False, coverage: float | None = 1.0) -> QAResult:
    return QAResult(
        id=id_,
        set="t",
        type=kind,
        question="?",
        route="policy_qa",
        answer="",
        refused=refused,
        must_include=None if kind == "unanswerable" else coverage,
        split=split,
    )


QA_RESULTS = [
    qa("a", "fact", "tune"),  # pass
    qa("b", "fact", "tune", coverage=0.5),  # a term missing
    qa("c", "fact", "check", refused=True),  # false refusal
    qa("d", "unanswerable", "check", refused=True),  # right refusal
    qa("e", "unanswerable", "tune"),  # should have refused
    qa("f", "list", "all"),  # unsplit: counts only in "all"
]


def test_strict_pass_rule() -> None:
    assert [strict_pass(r) for r in QA_RESULTS] == [True, False, False, True, False, True]


def test_qa_scores_per_split() -> None:
    tune, check, every = (qa_scores(in_split(QA_RESULTS, s)) for s in ("tune", "check", "all"))
    assert tune["qa_questions"] == 3 and tune["strict_pass"] == pytest.approx(1 / 3)
    assert tune["must_include"] == 0.75 and tune["false_refusal_rate"] == 0.0
    assert tune["refusal_recall"] == 0.0
    assert check["strict_pass"] == 0.5 and check["refusal_recall"] == 1.0
    assert check["false_refusal_rate"] == 1.0
    assert every["qa_questions"] == 6 and every["strict_pass"] == 0.5
    assert every["refusal_recall"] == 0.5 and every["false_refusal_rate"] == 0.25


def test_strict_by_type_per_split() -> None:
    table = strict_by_type(QA_RESULTS)
    assert list(table) == ["fact", "list", "unanswerable"]
    assert table["fact"]["tune"] == {"questions": 2, "strict_pass": 0.5}
    assert table["fact"]["check"] == {"questions": 1, "strict_pass": 0.0}
    assert table["list"]["tune"] == {"questions": 0, "strict_pass": None}
    assert table["unanswerable"]["all"] == {"questions": 2, "strict_pass": 0.5}


def test_routing_and_dialog_scores() -> None:
    routes = [
        RouteResult("r1", "t", "?", "subject_status", "subject_status", "甲", "甲", True, split="tune"),
        RouteResult("r2", "t", "?", "policy_qa", "repair_steps", None, "乙", False, split="check"),
    ]
    assert routing_scores(in_split(routes, "tune"))["routing_accuracy"] == 1.0
    assert routing_scores(routes) == {
        "routing_questions": 2,
        "routing_accuracy": 0.5,
        "subject_accuracy": 0.5,
    }

    def turn(dialog: str, n: int, route: str, match: bool, split: str) -> TurnResult:
        return TurnResult(
            dialog, n, "t", "?", "repair_steps", route, "甲", "甲" if match else None, match, split=split
        )

    turns = [
        turn("D1", 1, "repair_steps", True, "tune"),
        turn("D1", 2, "repair_steps", True, "tune"),
        turn("D2", 1, "repair_steps", False, "check"),
        turn("D2", 2, "policy_qa", True, "check"),
    ]
    scores = dialog_scores(turns)
    assert scores["dialog_conversations"] == 2 and scores["dialog_turns"] == 4
    assert scores["dialog_route_accuracy"] == 0.75 and scores["dialog_subject_accuracy"] == 0.75
    assert scores["dialog_both_accuracy"] == 0.5 and scores["dialog_conversation_accuracy"] == 0.5
    check = dialog_scores(in_split(turns, "check"))
    assert check["dialog_both_accuracy"] == 0.0 and check["dialog_turns"] == 2

    splits = split_scores(EvalRun(qa=QA_RESULTS, routing=routes, dialog=turns))
    assert set(splits) == {"tune", "check", "all"}
    assert splits["tune"]["dialog_both_accuracy"] == 1.0 and splits["check"]["routing_accuracy"] == 0.0
    assert splits["all"]["strict_pass"] == 0.5


def test_retrieval_per_split() -> None:
    with_ranks = [
        QAResult("x", "t", "fact", "?", "policy_qa", "", False, ranks={"bm25": 1, "hybrid": 1}, split="tune"),
        QAResult(
            "y", "t", "fact", "?", "policy_qa", "", False, ranks={"bm25": None, "hybrid": 3}, split="check"
        ),
    ]
    assert retrieval_by_method(in_split(with_ranks, "tune"))["bm25"]["recall@1"] == 1.0
    every = retrieval_by_method(with_ranks)
    assert list(every) == ["bm25", "hybrid"]
    assert every["bm25"]["recall@5"] == 0.5 and every["hybrid"]["recall@5"] == 1.0
    assert retrieval_by_method([qa("z", "unanswerable", "tune")]) == {}


def test_summary_and_report_show_splits_side_by_side() -> None:
    info = {
        "started_at": "2026-11-23T00:00:00",
        "sets": ["t"],
        "corpus_hash": "h",
        "encoder": "e",
        "encoder_version": "1",
        "dictionary_hash": "d",
        "today": "2026-11-23",
        "sample_seed": 7,
    }
    metrics = summarise(EvalRun(qa=QA_RESULTS, info=info))
    assert metrics["overall"]["strict_pass"] == 0.5 and metrics["overall"]["questions"] == 6
    assert metrics["splits"]["check"]["qa_questions"] == 2
    rows = dict(split_rows(metrics))
    assert rows["严格通过率"] == ["0.333", "0.500", "0.500"]
    assert not any("对话" in name for name in rows)  # no dialog set in this run
    assert "误拒率（可答题被拒答）" in rows  # a rate of 0 is a result, not an absence
    assert dict(type_rows(metrics))["list"] == ["—", "—", "1.000 (1)"]
    text = markdown_report(metrics)
    assert "tune（调优）" in text and "按题型严格通过率" in text


# ---- the real assistant ----


def test_dialogs_run_turn_by_turn_in_one_conversation(assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.access import local_operator
    from evals.runner import result_rows, run_dialog_item

    operator = local_operator("eval")
    items = [item for item in load_set(DEV_DIALOG)[1] if isinstance(item, DialogItem)][:2]
    run = EvalRun(
        dialog=[
            turn for item in items for turn in run_dialog_item(item, DEV_DIALOG.name, assistant, operator)
        ]
    )
    assert len(run.dialog) == sum(len(item.turns) for item in items)
    for item in items:
        turns = [t for t in run.dialog if t.dialog_id == item.id]
        assert [t.turn for t in turns] == list(range(1, len(item.turns) + 1))
        assert [t.question for t in turns] == [t.question for t in item.turns]
        assert len({t.conversation_id for t in turns}) == 1 and turns[0].conversation_id
        assert all(t.split == item.split for t in turns)
    assert len({t.conversation_id for t in run.dialog}) == len(items)
    rows = result_rows(run)
    assert len(rows) == len(run.dialog) and {r["kind"] for r in rows} == {"dialog"}
    assert {"gold_route", "route", "gold_subject", "subject", "subject_match"} <= set(rows[0])
    assert summarise(run)["splits"]["all"]["dialog_turns"] == len(run.dialog)
