"""Issue 19's examples, each a test: answers hold on any document, say the answer first, no internal scores."""

from __future__ import annotations

import re

import pytest

LEAD = 150


def lead_of(text: str) -> str:
    return text[:LEAD]


def test_how_long_a_penalty_stays_public_is_not_answered_with_a_disclosure_deadline(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("信用中国网站上的行政处罚信息公示多久？")
    # the loaded documents do not say (a refusal as far as they go), and the national rule answers first
    assert answer.text.startswith("所载政策文件未规定")
    assert "7个工作日" not in lead_of(answer.text)
    assert "3个月" in lead_of(answer.text) and "36个月" in lead_of(answer.text)


def test_an_english_question_is_answered_in_chinese(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("How long is 行政处罚信息 published on 信用中国?")
    assert "3个月" in lead_of(answer.text)
    assert not re.search(r"[A-Za-z]{4,}", answer.text.split("依据")[0])


@pytest.mark.parametrize(
    "question",
    ["深圳市公共信用中心负责哪些工作？", "征信公司采集个人信息要遵守什么规定？", "人民法院认定的失信被执行人会受到哪些限制？"],
)
def test_agencies_and_kinds_of_company_go_to_policy_answers(assistant, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask(question)
    # no subject lookup: a policy answer, or the measures for a category (失信被执行人) — never 「未找到“…”的主体记录」
    assert answer.route in ("policy_qa", "applicable_measures"), answer.route_reasons
    assert answer.subject is None and "未找到" not in answer.text


@pytest.mark.parametrize(
    "question",
    ["我们公司被罚过款，怎么把记录撤下来？", "行政处罚信息多少个工作日内上网公开？", "信用修复有哪些方式？"],
)
def test_no_internal_score_is_shown(assistant, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask(question)
    assert "可答概率" not in answer.text and not re.search(r"0\.\d{2}", answer.text)


def test_the_answer_comes_before_its_sources(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("行政处罚信息多少个工作日内上网公开？")
    assert not answer.refused
    assert "7个工作日" in lead_of(answer.text)
    head = answer.text.split("依据：")[0]
    assert not head.startswith("根据") and "〔" not in head.split("[")[0]  # no title/文号 before the content


def test_parallel_clauses_of_several_places_are_merged_or_grouped(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("行政处罚信息多少个工作日内上网公开？")
    leads = answer.text.split("依据：")[0]
    assert "均规定" in leads or "【" in leads  # several places: named together, or one line each


def test_a_regulation_question_is_answered_from_the_document_model(regs_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = regs_assistant.ask("山东省社会信用条例从什么时候开始施行？哪个机关通过的？")
    assert not answer.refused
    assert "2020年10月1日" in lead_of(answer.text) and "山东省" in answer.text and "通过" in answer.text


def test_a_province_regulation_answers_for_its_cities_and_says_so(regs_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = regs_assistant.ask("济南的企业对公共信用信息有异议，可以向谁提出？")
    assert not answer.refused
    assert "山东" in answer.text
