"""Question frames (pure): aspects, parts, places, document questions; elliptical follow-ups."""

from __future__ import annotations

from assistant.followups import elliptical_target, with_locality
from assistant.policy_qa.frame import frame_question, places_in, split_parts


def test_aspects_follow_the_interrogative() -> None:
    assert frame_question("是哪几个部门牵头？").main_aspect == "who"
    assert frame_question("最晚多少天得挂到网上？").main_aspect == "quantity"
    assert (
        frame_question("是依托哪几个平台和系统？").main_aspect == "items"
    )  # 哪几个 asks for items, not a number
    assert frame_question("以前有失信记录，怎么修复？").main_aspect == "how"


def test_multi_part_questions_are_split() -> None:
    assert split_parts("目录是哪一版？这项工作由谁牵头？") == ("目录是哪一版", "这项工作由谁牵头")
    assert split_parts("再申请许可证会不会更严，还能参股小额贷款公司吗？") == (
        "再申请许可证会不会更严",
        "还能参股小额贷款公司吗",
    )
    assert split_parts("对我们企业来说能少被打扰吗？") == ("对我们企业来说能少被打扰吗",)


def test_later_parts_inherit_the_locality() -> None:
    frame = frame_question("濮阳的目录是哪一版？这项工作由谁牵头？")
    assert frame.parts[1].startswith("濮阳")


def test_places_need_a_place_word_and_suffix() -> None:
    assert places_in([("苏州工业园区", "ns"), ("对", "p")]) == ("苏州工业园区",)
    assert places_in([("北京", "ns"), ("朝阳区", "ns")]) == ("北京朝阳区", "朝阳区")
    assert places_in([("天得", "ns")]) == ()


def test_document_questions() -> None:
    assert "basis" in frame_question("濮阳这份细化方案是落实河南省哪份文件的？").document_aspects
    assert "recipients" in frame_question("翁源这份方案下发到了哪些单位？").document_aspects
    assert frame_question("信用修复有哪些方式？").document_aspects == ()


def test_elliptical_follow_up() -> None:
    assert elliptical_target("那朝阳呢？") == "朝阳"
    assert elliptical_target("朝阳的情况怎么样？") is None
    assert (
        with_locality("濮阳的信用分级分类监管具体是怎么做的？", "朝阳")
        == "朝阳的信用分级分类监管具体是怎么做的？"
    )
