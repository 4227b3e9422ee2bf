"""Route, subject and mention role decided together (pure: a given model prediction)."""

from __future__ import annotations

from assistant.route_model import RoutePrediction
from assistant.router import DialogContext, decide, masked_question
from assistant.subjects import SubjectMention

COMPANY = SubjectMention("濮阳市恒达建材有限公司", "name", 2, 13, stored=True)


def predicted(route: str) -> RoutePrediction:
    return RoutePrediction(route, {route: 0.9}, ("test",))


def test_a_subject_named_in_a_policy_question_is_only_context() -> None:
    decision = decide(
        "我是濮阳市恒达建材有限公司的会计，想问信用承诺",
        [COMPANY],
        None,
        predicted("policy_qa"),
        DialogContext(),
    )
    assert decision.route == "policy_qa" and decision.subject is None
    assert decision.context_mention == COMPANY


def test_a_subject_route_takes_the_mention() -> None:
    decision = decide(
        "濮阳市恒达建材有限公司怎么修复", [COMPANY], None, predicted("repair_steps"), DialogContext()
    )
    assert decision.route == "repair_steps" and decision.subject == COMPANY


def test_measures_for_a_category_without_a_subject() -> None:
    decision = decide(
        "被列入严重失信主体名单的企业会受到哪些限制？",
        [],
        None,
        predicted("applicable_measures"),
        DialogContext(),
    )
    assert (
        decision.route == "applicable_measures"
        and decision.category == "严重失信"
        and decision.subject is None
    )


def test_an_elliptical_follow_up_keeps_the_subject() -> None:
    context = DialogContext(subject="91211300MAYU5DRG1R")
    decision = decide("被罚过吗", [], None, predicted("subject_status"), context)
    assert decision.uses_context == "91211300MAYU5DRG1R"


def test_status_without_any_subject_falls_back_to_policy() -> None:
    decision = decide("被罚过款怎么查", [], None, predicted("subject_status"), DialogContext())
    assert decision.route == "policy_qa"


def test_references_are_masked_for_the_model() -> None:
    context = DialogContext(subject="舞阳县永安瑞物流有限公司", own="濮阳市安康天大药房有限公司")
    assert masked_question("这家的处罚能撤吗", [], context) == ("Ⓢ的处罚能撤吗", "舞阳县永安瑞物流有限公司")
    assert masked_question("帮我查下我们公司的记录", [], context) == (
        "帮我查下Ⓢ的记录",
        "濮阳市安康天大药房有限公司",
    )
    assert masked_question("信用修复要多久", [], context) == ("信用修复要多久", None)
