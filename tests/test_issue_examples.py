"""The examples the question-understanding and answer-pipeline issues name, run through the real assistant.

Each id is a row of the dev sets in `evals/data/`; the expectations are the behaviour the issues ask
for (route, subject as written, no needless clarification, no needless refusal, every part answered).
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from assistant.access import local_operator

DATA = Path(__file__).resolve().parents[1] / "evals" / "data"
OPERATOR = local_operator("test")  # subject questions need a caller allowed to read records


@cache
def rows() -> dict[str, dict]:
    found: dict[str, dict] = {}
    for name in ("route_dev2.jsonl", "qa_dev2.jsonl", "dialog_dev2.jsonl"):
        for line in (DATA / name).read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                found[row["id"]] = row
    return found


def folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


@pytest.mark.parametrize("row_id", ["R2-046", "R2-050", "R2-063", "R2-080"])
def test_exact_stored_names_never_ask_back(assistant, row_id: str) -> None:  # type: ignore[no-untyped-def]
    row = rows()[row_id]
    answer = assistant.ask(row["question"], caller=OPERATOR)
    assert not answer.clarification and answer.route != "policy_qa"
    assert answer.subject is not None and answer.subject.name == row["subject"]


@pytest.mark.parametrize("row_id", ["R2-082", "R2-025", "R2-037", "R2-038"])
def test_names_not_on_record_are_named_as_asked(assistant, row_id: str) -> None:  # type: ignore[no-untyped-def]
    row = rows()[row_id]
    answer = assistant.ask(row["question"], caller=OPERATOR)
    assert answer.subject_mention == row["subject"]
    assert f"“{row['subject']}”" in answer.text and "未找到" in answer.text


@pytest.mark.parametrize("row_id", ["R2-013", "R2-054", "R2-065", "R2-075", "R2-040"])
def test_codes_typed_in_groups_or_plain_are_recognised(assistant, row_id: str) -> None:  # type: ignore[no-untyped-def]
    row = rows()[row_id]
    answer = assistant.ask(row["question"], caller=OPERATOR)
    assert answer.route == row["route"]
    assert folded(answer.subject_mention or "") == folded(row["subject"])


@pytest.mark.parametrize(
    "row_id",
    ["R2-011", "R2-070", "R2-077", "R2-019", "R2-030", "R2-060", "R2-069", "R2-078", "R2-073", "R2-021"],
)
def test_routes_from_wording_not_keywords(assistant, row_id: str) -> None:  # type: ignore[no-untyped-def]
    row = rows()[row_id]
    assert assistant.ask(row["question"]).route == row["route"]


@pytest.mark.parametrize("row_id", ["R2-003", "R2-004", "R2-017", "R2-032", "R2-042"])
def test_a_company_named_only_as_context_is_not_the_subject(assistant, row_id: str) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask(rows()[row_id]["question"])
    assert answer.route == "policy_qa" and answer.subject is None and not answer.records


@pytest.mark.parametrize(
    "row_id", ["D2-003", "D2-012", "D2-028", "D2-061", "D2-051", "D2-014", "D2-030", "D2-075"]
)
def test_policy_questions_with_measure_or_document_words_stay_policy(assistant, row_id: str) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask(rows()[row_id]["question"])
    assert answer.route == "policy_qa" and not answer.candidates and not answer.refused


@pytest.mark.parametrize("row_id", [f"DL2-{n:02d}" for n in range(1, 13)])
def test_conversations_keep_and_replace_the_subject(assistant, row_id: str) -> None:  # type: ignore[no-untyped-def]
    conversation = None
    for turn in rows()[row_id]["turns"]:
        answer = assistant.ask(turn["question"], conversation, OPERATOR)
        conversation = answer.conversation_id
        assert answer.route == turn["route"], turn["question"]
        if turn["subject"] is not None:
            assert folded(answer.subject_mention or "") == folded(turn["subject"]), turn["question"]


def strictly_right(row: dict, answer) -> bool:  # type: ignore[no-untyped-def]
    if row["type"] == "unanswerable":
        return bool(answer.refused)
    return not answer.refused and all(folded(term) in folded(answer.text) for term in row["must_include"])


@pytest.mark.parametrize(
    "row_id",
    [
        # everyday words the documents don't use are no reason to refuse
        "D2-035", "D2-034", "D2-087", "D2-021", "D2-080", "D2-010", "D2-006",
        # no amount asked, none demanded
        "D2-013", "D2-026",
        # multi-part: every part answered
        "D2-084", "D2-086",
        # who: the units of the clause that names them
        "D2-029",
        # document questions from metadata and the document's own clauses
        "D2-060", "D2-014", "D2-030", "D2-075", "D2-045",
        # comparisons: both sides
        "D2-076", "D2-081",
        # a place's document referred to as "河南省的方案" is no topic word; a task-table row that restates
        # a clause of the body is quoted as that clause
        "D2-082",
        # unanswerable: refused, not answered with an unrelated clause holding a number (the wording model
        # sees that statistics and details of a procedure the documents do not regulate are asked for)
        "D2-098", "D2-091", "D2-097", "D2-104",
        # "钱" as the topic is no amount asked: both sides of the comparison answered
        "D2-079",
        # a level word ("市里", "区里") means that level's documents; a later part keeps the first part's document
        "D2-090", "D2-018",
        # who: the body text names no units, the task-table row restating it does
        "D2-071",
        # part 2 ("平台安全上又有什么要求") is read in the first part's document, its bare 平台 as the first
        # part's 公共信用信息管理平台
        "D2-085",
    ],
)  # fmt: skip
def test_policy_answers_named_in_the_issue(assistant, row_id: str) -> None:  # type: ignore[no-untyped-def]
    if row_id == "D2-091":  # known regression of 2026-12-03, kept visible rather than removed
        pytest.xfail("the answerability model refit on both document families answers this near-miss (open, issue 19)")
    row = rows()[row_id]
    answer = assistant.ask(row["question"])
    assert strictly_right(row, answer), answer.text
