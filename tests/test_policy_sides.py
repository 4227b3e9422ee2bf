"""Sides a question names (places, documents) and who is asked about (pure functions, synthetic metadata)."""

from __future__ import annotations

from assistant.policy_qa.sides import Side, distinct_sides, documents_named
from assistant.subjects import find_name_phrases
from corpus import DocumentMeta, Locality


def meta(doc_id: str, title: str, issuer: str = "", locality: Locality | None = None) -> DocumentMeta:
    return DocumentMeta(doc_id, title, issuer, (), (), None, locality or Locality(), title[-2:])


DOCS = [
    meta("fair", "公平交易信息公示暂行条例", "国务院"),
    meta("penalty", "商务执法行政处罚信息公示规定", "国家商务执法总局"),
    meta("lu", "鲁东省社会诚信条例", "鲁东省人民代表大会常务委员会", Locality(province="鲁东省")),
]
TITLES = {d.doc_id: d.title for d in DOCS}


def named(question: str) -> list[str]:
    return [side.doc_ids[0] for side in documents_named(question, DOCS, TITLES)]


def test_a_document_is_named_by_its_title() -> None:
    assert named("公平交易信息公示暂行条例第六条讲了什么？") == ["fair"]


def test_a_document_is_named_by_most_of_its_words_and_its_kind() -> None:
    assert named("商务执法总局关于行政处罚信息公示的那个规定是几号令？") == ["penalty"]


def test_a_national_document_is_named_by_its_issuer_and_kind() -> None:
    assert named("国务院的条例怎么规定公示期限？") == ["fair"]


def test_no_kind_word_names_no_document() -> None:
    assert named("行政处罚信息公示多久？") == []


def test_two_named_documents_are_two_sides_in_order() -> None:
    question = "商务执法行政处罚信息公示规定和公平交易信息公示暂行条例对公示期限规定一样吗？"
    assert named(question) == ["penalty", "fair"]


def test_sides_meaning_the_same_documents_count_once() -> None:
    sides = [Side("鲁东", ("lu",), "鲁东"), Side("《鲁东省社会诚信条例》", ("lu",), "鲁东省社会诚信条例")]
    assert [s.label for s in distinct_sides(sides)] == ["鲁东"]


def test_agencies_and_kinds_of_company_are_not_subjects() -> None:
    for question in (
        "深圳市公共信用中心负责什么？",
        "深圳的征信公司要遵守哪些规定？",
        "人民法院认定的失信被执行人会受到哪些限制？",
        "市场监督管理部门多久公示一次？",
    ):
        assert find_name_phrases(question) == [], question


def test_a_registered_company_name_is_still_a_subject() -> None:
    mentions = find_name_phrases("深圳市宏达精密科技有限公司的信用状况怎么样？")
    assert [m.text for m in mentions] == ["深圳市宏达精密科技有限公司"]


def test_publication_period_questions_are_recognised() -> None:
    from assistant.tools.repair import asks_publication_period

    assert asks_publication_period("信用中国网站上的行政处罚信息公示多久？")
    assert asks_publication_period("被罚款以后多久能把记录撤下来？")
    assert not asks_publication_period("重点关注名单过多久可以申请移出？")


def test_two_places_in_passing_are_no_comparison() -> None:
    from assistant.policy_qa.sides import compares

    a, b = Side("甲省", ("a",), "甲省"), Side("乙省", ("b",), "乙省")
    assert compares("甲省和乙省对信用修复怎么规定？", [a, b])
    assert compares("查信用信息要花钱吗？甲省、乙省分别怎么规定？", [a, b])
    assert not compares("公司注册在甲省，被乙省的部门罚了款，多久公示？", [a, b])
