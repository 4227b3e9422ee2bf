"""Pure parts behind the chat: the region filter's choice, Markdown blocks of tool answers, key terms and type of
an exported feedback item, the supporting sentence a citation marks."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.errors import InvalidQuestion
from assistant.feedback_export import checked_terms, key_terms, qa_row, question_type, split_of
from assistant.policy_qa.frame import frame_question
from assistant.region_filter import checked_region, choose_region
from assistant.tools.common import markdown_blocks
from connectors.feedback import FeedbackRecord
from ui.citation_view import label_of, marked_html, statement_of, supporting_span


def test_a_place_the_question_names_wins_over_the_filter() -> None:
    kept = choose_region("濮阳", "policy_qa", ["翁源"])
    assert kept is not None and not kept.applied and kept.locality is None
    assert "翁源" in kept.note and "濮阳" in kept.note
    same = choose_region("濮阳", "policy_qa", ["濮阳市"])  # the same place, written differently
    assert same is not None and same.applied and same.locality == "濮阳"
    applied = choose_region("翁源", "applicable_measures", [])
    assert applied is not None and applied.applied and applied.locality == "翁源"
    subject = choose_region("翁源", "subject_status", [])
    assert subject is not None and not subject.applied and subject.note
    assert choose_region(None, "policy_qa", ["翁源"]) is None


def test_an_unknown_region_is_a_chinese_422() -> None:
    assert checked_region("  ") is None and checked_region("翁源") == "翁源"
    with pytest.raises(InvalidQuestion) as raised:
        checked_region("不存在的地方")
    assert raised.value.status == 422 and "地区" in raised.value.message


def test_group_headings_are_blocks_of_their_own() -> None:
    lines = ["适用的措施如下：", "**失信联合惩戒措施**", "- 【限制】甲[1]", "- 【限制】乙[2]", "**守信联合激励措施**",
             "- 【激励】丙[3]", "", "**办理步骤**", "1. 一", "  说明", "2. 二", "提示：……"]  # fmt: skip
    text = markdown_blocks(lines)
    blocks = text.split("\n\n")
    assert blocks[1].startswith("**失信联合惩戒措施**\n- 【限制】甲")
    assert blocks[2] == "**守信联合激励措施**\n- 【激励】丙[3]"  # not a continuation of the list item before it
    assert blocks[3] == "**办理步骤**\n1. 一\n  说明\n2. 二" and blocks[4] == "提示：……"


def tagged(*pairs: str) -> list[tuple[str, str]]:
    return [tuple(pair.split("/")) for pair in pairs]  # type: ignore[misc]


def test_key_terms_come_from_the_expected_answer() -> None:
    text = "由认定部门启动提示约谈程序，在15个工作日内完成。"
    words = tagged("由/p", "认定/v", "部门/n", "启动/v", "提示/v", "约谈/vn", "程序/n", "，/x", "在/p", "15/m",
                   "个/q", "工作日/n", "内/f", "完成/v", "。/x")  # fmt: skip
    idf = {"部门": 0.5, "约谈": 4.0, "程序": 1.5, "工作日": 2.0}
    terms = key_terms(text, words, idf)
    assert terms == ["约谈程序", "15个工作日"]  # in the answer's order; numbers with their unit
    assert all(term in text for term in terms)
    assert checked_terms("可以。", []) == ["可以"] and checked_terms("很长的" * 10, []) == []


def test_the_type_of_an_exported_item_is_the_frame_of_its_question() -> None:
    assert question_type(frame_question("由哪个部门负责认定？"), False) == "who_is_responsible"
    assert question_type(frame_question("修复需要多少个工作日？"), False) == "deadline_or_number"
    assert question_type(frame_question("修复需要多少个工作日？"), True) == "unanswerable"
    record = FeedbackRecord("abc123", "c1", 1, "down", "怎么申请修复？", dt.datetime.now(dt.UTC), expected_answer="x")
    row = qa_row(record, frame_question(record.question), ["信用承诺"])
    assert (row["id"], row["type"], row["must_include"], row["answerable"]) == ("FB-abc123", "procedure", ["信用承诺"], True)
    assert row["split"] == split_of("abc123") and "route" not in row  # a `route` column would make it a routing set


def test_a_citation_names_its_document_and_marks_only_the_supporting_sentence() -> None:
    passage = "一、总体要求。开展诚信教育不得收费。各单位要加强组织领导。"
    citation = {"number": 2, "title": "细化实施方案", "doc_number": "濮信用〔2020〕3号", "section_path": "三 > （二）",
                "passage_id": "puyang-2020#0029", "passage": passage, "quote": passage}  # fmt: skip
    assert label_of(citation) == "[2] 《细化实施方案》 濮信用〔2020〕3号 · 三 > （二）"
    assert "#0029" not in label_of(citation)
    answer = "开展诚信教育不得收费[2]。另见其他规定[1]。"
    assert statement_of(answer, 2) == "开展诚信教育不得收费。"
    assert supporting_span(passage, passage, statement_of(answer, 2)) == "开展诚信教育不得收费。"
    assert supporting_span(passage, "各单位要加强组织领导。") == "各单位要加强组织领导。"  # the quote it carries
    assert supporting_span(passage, passage) == ""  # never the whole passage
    assert marked_html(passage, "开展诚信教育不得收费。").count("<mark>") == 1
