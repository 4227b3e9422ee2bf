"""The assistant end to end on the real corpus and the sample records database."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.access import local_operator
from assistant.catalogue import anchor_passages, load_measures, rule_in_force
from assistant.errors import InvalidQuestion
from assistant.subjects import find_codes, find_subject
from assistant.tools.repair import add_months, penalty_item
from connectors import PenaltyRecord

OPERATOR = local_operator("test")  # subject questions need a caller allowed to read records


def test_every_catalogue_quote_is_in_its_passage(policy_corpus) -> None:  # type: ignore[no-untyped-def]
    from corpus import fold

    for measure in load_measures(policy_corpus.passages):
        assert fold(measure.quote) in fold(measure.passage.text)
    for roles in anchor_passages(policy_corpus.passages).values():
        for passage, quote in roles.values():
            assert fold(quote) in fold(passage.text)


def test_subject_extraction() -> None:
    assert [m.text for m in find_codes("帮我查一下91410900MA45XK3R2Q这个企业")] == ["91410900MA45XK3R2Q"]
    assert find_codes("９１３５０１００Ｍ０００１００Ｙ４３的情况")
    mention = find_subject("我们公司（翁源县青云茶业有限公司）想把记录撤下来")
    assert mention is not None and mention.text == "翁源县青云茶业有限公司"
    mention = find_subject("我司叫舞阳县盛源食品厂，问一下")
    assert mention is not None and mention.text == "舞阳县盛源食品厂"
    assert find_subject("信用修复有哪些方式？") is None


def test_router_explains_itself(assistant) -> None:  # type: ignore[no-untyped-def]
    decision = assistant.router.route("被列入严重失信主体名单的企业会受到哪些限制？")
    assert decision.route == "applicable_measures" and decision.category == "严重失信"
    assert decision.reasons[0].startswith("路由模型") and any("训练样例" in r for r in decision.reasons)
    assert assistant.router.route("河南省要求各地多久报送一次工作情况？").route == "policy_qa"
    assert assistant.router.route("你好").route == "chitchat"


@pytest.mark.parametrize(
    ("decision_date", "severity", "earliest", "ends"),
    [
        (dt.date(2022, 3, 10), "一般", "2022-06-10", "2023-03-10"),  # 2019 rule
        (dt.date(2022, 3, 10), "严重", "2022-09-10", "2025-03-10"),  # 2019 rule: 6 months / 3 years
        (dt.date(2024, 8, 15), "严重", "2025-08-15", "2027-08-15"),  # 2023 rule: 1 year / 3 years
        (dt.date(2024, 8, 31), "较重", "2025-08-31", "2027-08-31"),  # 较重 counted as serious
    ],
)
def test_publication_periods_follow_the_rule_in_force(
    decision_date: dt.date, severity: str, earliest: str, ends: str
) -> None:
    penalty = PenaltyRecord(
        "X", "局", decision_date, "", "", "罚款", 1000.0, severity, "普通程序", decision_date
    )
    item = penalty_item(penalty, dt.date(2024, 12, 1), repaired=False)
    assert (item.earliest_apply, item.publication_ends) == (earliest, ends)
    assert item.rule_source == rule_in_force(decision_date).source


def test_simplified_procedure_warning_is_not_published() -> None:
    penalty = PenaltyRecord("Y", "局", dt.date(2024, 1, 5), "", "", "警告", None, "一般", "简易程序", None)
    assert penalty_item(penalty, dt.date(2024, 2, 1), repaired=False).status == "不公示"


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


def test_policy_question_gets_cited_answer(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("我们公司以前有失信记录，现在整改好了，可以通过哪些方式修复信用？")
    assert answer.route == "policy_qa" and not answer.refused
    assert "专题培训" in answer.text and answer.citations
    for citation in answer.citations:
        assert citation.quote in citation.passage
        raw = assistant.corpus.raw_text(citation.doc_id)
        assert citation.doc_number and citation.section_path
        assert citation.passage.replace("\n", "")[:12] in raw.replace("\n", "")


def test_who_is_responsible_uses_parsed_units(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("濮阳市的信用修复工作由哪些单位牵头？")
    assert "牵头单位：市发展改革委、人行濮阳市中心支行、市委营商环境办" in answer.text


def test_who_prefers_the_clause_whose_title_fits(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("翁源县的信用修复由哪个部门牵头？")
    assert "25. 完善信用修复机制" in answer.text and "牵头单位：县发改局、县市场监管局" in answer.text


def test_task_table_row_by_number(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("朝阳市任务清单里第26项是什么？")
    assert "26.对守信主体依法依规实施行政审批" in answer.text and "市营商局" in answer.text
    assert answer.citations[0].passage_id == "chaoyang-2020#T026"


def test_adjacent_place_names_are_one_locality() -> None:
    from assistant.policy_qa.question import localities_in

    assert localities_in("常州新北区和翁源县在信用承诺上有什么不同？") == ("常州新北区", "翁源县")
    assert localities_in("濮阳和朝阳有什么不同") == ("濮阳", "朝阳")


def test_document_metadata_questions(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("舞阳县2018年的文件是哪个部门发的？")
    assert not answer.refused
    assert "舞阳县社会信用体系建设领导小组办公室" in answer.text and "舞信用办〔2018〕3号" in answer.text
    assert answer.citations[0].doc_id == "wuyang-henan-2018"


def test_comparison_answers_per_locality(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("濮阳和朝阳在信用承诺书公开的渠道上有什么不同？")
    assert "【濮阳】" in answer.text and "【朝阳】" in answer.text
    assert {c.doc_id for c in answer.citations} == {"puyang-2020", "chaoyang-2020"}


@pytest.mark.parametrize(
    "question",
    [
        "申请信用修复需要交多少手续费？",  # asks an amount no passage gives
        "濮阳市2025年信用体系建设的考核排名是多少？",  # a year no document covers
        "如何申请营业执照？",  # a topic the corpus never names
        "怎么申请专利",
        "信用中国网站的客服电话是多少？",  # a number is in the top sentence, but not the number asked for
    ],
)
def test_refuses_when_documents_do_not_say(assistant, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask(question)
    assert answer.refused and not answer.citations
    if answer.route == "policy_qa":  # a topic outside social credit may also be called out of scope
        assert answer.text.startswith("现有政策文件未涉及") and answer.related


def test_headline_question_is_answered_with_a_hint(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("我们公司被罚过款，怎么把记录撤下来？")
    assert not answer.refused and answer.citations
    assert "统一社会信用代码" in answer.text  # offers the personal repair plan


def test_repair_timing_refusal_adds_labelled_national_rule(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("企业被罚款后多久可以修复信用？")
    # the documents do not say (a refusal as far as they go); the national rule answers first, labelled
    assert answer.refused and answer.text.startswith("所载政策文件未规定")
    assert "非所载政策文件内容" in answer.text and "国家发展改革委令2023年第58号" in answer.text
    assert "最短3个月" in answer.text[:150] and "核实" in answer.text


def test_colloquial_question_is_still_answered(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("办事的时候材料没带齐，能不能先受理？")
    assert not answer.refused and "受理" in answer.text


def test_subject_status_names_its_records(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("濮阳市恒达建材有限公司现在的信用状况怎么样？", caller=OPERATOR)
    assert answer.route == "subject_status" and answer.subject is not None
    assert "严重失信主体名单" in answer.text
    assert any(r.kind == "行政处罚" for r in answer.records)
    assert all(r.label in answer.text for r in answer.records)


def test_repair_plan_for_fulfilled_general_penalty(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("朝阳市北方粮油贸易有限公司被罚款了，要怎么做信用修复？", caller=OPERATOR)
    assert answer.route == "repair_steps"
    assert "现在即可申请" in answer.text and "信用修复申请书" in answer.text
    assert "“信用中国（辽宁朝阳）”网站" in answer.text
    assert answer.citations[0].doc_id == "chaoyang-2020"
    items = answer.data["items"]
    assert items[0]["status"] == "可立即申请" and items[0]["earliest_apply"] == "2026-06-10"


def test_repair_plan_requires_fulfilment_first(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("舞阳县盛源食品厂怎么修复信用？", caller=OPERATOR)
    assert answer.data["items"][0]["status"] == "待履行"
    assert "先履行行政处罚决定" in answer.text


def test_measures_for_a_category_and_for_a_subject(assistant) -> None:  # type: ignore[no-untyped-def]
    by_category = assistant.ask("被列入严重失信主体名单的企业会受到哪些限制？")
    assert by_category.route == "applicable_measures" and "乘坐飞机" in by_category.text
    for citation in by_category.citations:
        assert citation.quote in citation.passage
    by_subject = assistant.ask("常州新北区华科电子有限公司能享受哪些守信激励措施？", caller=OPERATOR)
    assert by_subject.subject is not None and "守信联合激励对象" in by_subject.text
    assert "绿色通道" in by_subject.text


def test_invalid_code_asks_back_with_reason(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("帮我查一下91410900MA45XK3R2Q这个企业有没有被列入失信名单", caller=OPERATOR)
    assert answer.clarification and "校验位错误" in answer.text


def test_ambiguous_name_lists_candidates(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("查下 恒达建材有限公司 的信用状况", caller=OPERATOR)
    assert answer.clarification and len(answer.candidates) >= 2


def test_follow_up_keeps_the_subject(assistant) -> None:  # type: ignore[no-untyped-def]
    first = assistant.ask("翁源县青云茶业有限公司的信用状况怎么样？", caller=OPERATOR)
    follow = assistant.ask("那它怎么修复？", first.conversation_id, OPERATOR)
    assert follow.route == "repair_steps" and follow.subject is not None
    assert follow.subject.name == "翁源县青云茶业有限公司"


def test_reply_with_a_code_continues_the_question_asked_before(assistant, records) -> None:  # type: ignore[no-untyped-def]
    first = assistant.ask("恒达建材有限公司要怎么修复信用？", caller=OPERATOR)
    assert first.clarification and first.route == "repair_steps"
    code = records.repository.by_name("濮阳市恒达建材有限公司")[0].subject.uscc
    reply = assistant.ask(code, first.conversation_id, OPERATOR)
    assert reply.route == "repair_steps" and reply.subject is not None
    assert reply.subject.name == "濮阳市恒达建材有限公司"


@pytest.mark.parametrize("question", ["", "   ", "问" * 501])
def test_bad_questions_raise_invalid_question(assistant, question: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidQuestion):
        assistant.ask(question)


def test_out_of_scope_and_chitchat(assistant) -> None:  # type: ignore[no-untyped-def]
    assert assistant.ask("你好").route == "chitchat"
    assert assistant.ask("今天天气怎么样？").route == "out_of_scope"


def test_llm_answer_is_used_only_when_it_cites_and_is_supported(assistant) -> None:  # type: ignore[no-untyped-def]
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from assistant.policy_qa.llm import llm_answer

    extractive = assistant.policy.answer("开展诚信教育可以收费吗？")
    good = FakeListChatModel(responses=["开展诚信教育不得收费，也不得作为市场准入的必要条件。[1]"])
    assert llm_answer(good, "开展诚信教育可以收费吗？", extractive).text.startswith("开展诚信教育不得收费")
    invented = FakeListChatModel(responses=["每次诚信教育收费五百元，由税务局统一收取。[1]"])
    assert llm_answer(invented, "开展诚信教育可以收费吗？", extractive) is None
    wrong_number = FakeListChatModel(responses=["开展诚信教育不得收费。[7]"])
    assert llm_answer(wrong_number, "开展诚信教育可以收费吗？", extractive) is None
    uncited = FakeListChatModel(responses=["开展诚信教育不得收费。"])
    assert llm_answer(uncited, "开展诚信教育可以收费吗？", extractive) is None


def test_service_falls_back_to_extractive_when_llm_fails(assistant) -> None:  # type: ignore[no-untyped-def]
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    assistant.chat_model = FakeListChatModel(responses=["编造的内容，没有出处。"])
    try:
        answer = assistant.ask("开展诚信教育可以收费吗？")
    finally:
        assistant.chat_model = None
    # the extractive answer stands: its lead is a sentence of the cited passage, with its citation mark
    assert answer.citations and "[1]" in answer.text and "编造" not in answer.text


def test_langchain_tools_wrap_the_same_functions(assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.tools.langchain_tools import build_tools

    tools = {t.name: t for t in build_tools(assistant, OPERATOR)}
    assert set(tools) == {"subject_status", "repair_steps", "applicable_measures"}
    assert "朝阳市北方粮油贸易有限公司" in tools["subject_status"].invoke(
        {"subject": "朝阳市北方粮油贸易有限公司"}
    )
    assert "容缺受理" in tools["applicable_measures"].invoke({"category": "守信激励", "locality": "翁源"})


def test_an_unknown_new_subject_never_falls_back_to_the_previous_one(assistant) -> None:  # type: ignore[no-untyped-def]
    first = assistant.ask("翁源县青云茶业有限公司的信用状况怎么样？", caller=OPERATOR)
    assert first.subject is not None
    unknown = assistant.ask("那翁源县不存在测试有限公司呢？", first.conversation_id, OPERATOR)
    assert unknown.clarification and "翁源县不存在测试有限公司" in unknown.text
    follow = assistant.ask("它被罚过吗", first.conversation_id, OPERATOR)
    assert follow.subject is None or follow.subject.name != "翁源县青云茶业有限公司"
