"""Subject detection (pure, with a set standing in for the database's name lookup) and the name filter."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from assistant.subjects import (
    back_reference,
    detect_subjects,
    find_codes,
    find_subject,
    mask_mentions,
    own_reference,
)
from connectors.name_index import NameIndex, name_spans

STORED = {"濮阳市利民新建筑工程有限公司", "翁源县青云茶业有限公司", "舞阳县启明富食品厂"}


def lookup(candidates: Sequence[str]) -> set[str]:
    return {c for c in candidates if c in STORED}


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("9132 0411 MA1L YQRH 54 这家化工厂能修复吗", "9132 0411 MA1L YQRH 54"),
        ("帮我看看 91410900MAAYUHGE2T 的评价等级", "91410900MAAYUHGE2T"),
        ("91410900maamhddq98 这家药房", "91410900maamhddq98"),
        ("９１３２０４１１ＭＡＡ０４ＸＲＥ３Ｒ 修复信用要多久", "９１３２０４１１ＭＡＡ０４ＸＲＥ３Ｒ"),
        ("代码是9141-1121-MABL-50B0-3T，查一下", "9141-1121-MABL-50B0-3T"),
        (
            "代码91410900MAAYUHGE2的企业",
            "91410900MAAYUHGE2",
        ),  # 17 characters: still a code, answered with the reason
    ],
)
def test_codes_are_found_as_written(question: str, code: str) -> None:
    assert [m.text for m in find_codes(question)] == [code]


def test_years_and_numbers_are_not_codes() -> None:
    assert find_codes("2020年12月31日前完成，7个工作日内公开") == []


def test_a_stored_name_is_found_wherever_it_stands() -> None:
    question = "帮我理一下濮阳市利民新建筑工程有限公司的信用修复"
    mention = find_subject(question, lookup)
    assert mention is not None and mention.text == "濮阳市利民新建筑工程有限公司" and mention.stored


def test_an_unknown_name_is_trimmed_to_the_company() -> None:
    mention = find_subject("朋友说翁源县绿野竹木制品有限公司上了黑名单，是真的吗？", lookup)
    assert mention is not None and mention.text == "翁源县绿野竹木制品有限公司" and not mention.stored


def test_code_wins_over_a_name_and_masking_replaces_each_mention() -> None:
    question = "我是翁源县青云茶业有限公司的会计，代码91410900MAAYUHGE2T"
    mentions = detect_subjects(question, lookup)
    assert [m.kind for m in mentions] == ["name", "code"]
    assert find_subject(question, lookup).kind == "code"  # type: ignore[union-attr]
    assert mask_mentions(question, mentions, "Ⓢ") == "我是Ⓢ的会计，代码Ⓢ"


def test_no_subject_in_a_policy_question() -> None:
    assert detect_subjects("信用修复有哪些方式？", lookup) == []
    assert find_subject("我们公司被罚过款，怎么把记录撤下来？", lookup) is None


def test_references() -> None:
    assert back_reference("这家的处罚能撤吗") == "这家"
    assert back_reference("信用修复有哪些方式") is None
    assert own_reference("顺便帮我查下我们公司现在的信用记录") == "我们公司"


def test_name_filter_never_misses_a_stored_name() -> None:
    index = NameIndex.build(STORED)
    assert index.contains(["舞阳县启明富食品厂", "舞阳县启明富食品"]) == [True, False]
    assert len(index) == 3


def test_name_spans_stop_at_punctuation_and_blocked_parts() -> None:
    spans = name_spans("查询甲乙丙丁，戊己庚辛", blocked=[(0, 2)])
    texts = {"查询甲乙丙丁，戊己庚辛"[s:e] for s, e in spans}
    assert "甲乙丙丁" in texts and "戊己庚辛" in texts
    assert not any("，" in t or t.startswith("查") for t in texts)
