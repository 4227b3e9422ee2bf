"""Places from the national table (corpus.places) and how documents' places answer for a place (jurisdiction)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from corpus import DocumentMeta, Locality, ParsedDocument, load_document, parse_document
from corpus.jurisdiction import relation, scope_note
from corpus.places import divisions, find_places, resolve
from indexes import SearchFilter, locality_match

REPO = Path(__file__).resolve().parents[1]
SHANDONG = "山东省社会信用条例.md"

# The hand list the table replaced (corpus/data/gazetteer.json), kept here as an oracle.
OLD_GAZETTEER = {
    "濮阳": Locality("河南省", "濮阳市"),
    "常州市新北区": Locality("江苏省", "常州市", "新北区"),
    "新北区": Locality("江苏省", "常州市", "新北区"),
    "翁源": Locality("广东省", "韶关市", "翁源县"),
    "舞阳": Locality("河南省", "漯河市", "舞阳县"),
    "朝阳": Locality("辽宁省", "朝阳市"),
    "河南": Locality("河南省"),
    "辽宁": Locality("辽宁省"),
    "广东": Locality("广东省"),
    "江苏": Locality("江苏省"),
    "韶关": Locality("广东省", "韶关市"),
    "漯河": Locality("河南省", "漯河市"),
    "常州": Locality("江苏省", "常州市"),
}


def meta(doc_id: str, locality: Locality, kind: str = "条例") -> DocumentMeta:
    return DocumentMeta(doc_id, f"{locality.label}社会信用{kind}", "", (), (), None, locality, kind)


def test_the_old_hand_list_resolves_the_same() -> None:
    for name, locality in OLD_GAZETTEER.items():
        assert resolve(name) == locality, name


def test_bundled_documents_keep_their_localities(corpus_docs: dict[str, ParsedDocument]) -> None:
    places = {doc_id: doc.meta.locality for doc_id, doc in corpus_docs.items()}
    assert places["puyang-2020"] == Locality("河南省", "濮阳市")
    assert places["changzhou-xinbei-2021"] == Locality("江苏省", "常州市", "新北区")
    assert places["wengyuan-2023"] == Locality("广东省", "韶关市", "翁源县")
    assert places["wuyang-henan-2018"] == Locality("河南省", "漯河市", "舞阳县")
    assert places["chaoyang-2020"] == Locality("辽宁省", "朝阳市")


def test_full_and_short_names_and_zones() -> None:
    assert resolve("深圳") == resolve("深圳市") == Locality("广东省", "深圳市")
    assert resolve("深圳经济特区社会信用条例") == Locality("广东省", "深圳市")
    assert resolve("舞阳县") == Locality("河南省", "漯河市", "舞阳县")
    assert resolve("台州市企业信用促进条例") == Locality("浙江省", "台州市")
    assert resolve("恩施州") == Locality("湖北省", "恩施土家族苗族自治州")
    assert resolve("南京江北新区") == Locality("江苏省", "南京市")
    assert resolve("企业信息公示暂行条例") == Locality()  # national: no place
    assert resolve("市场监督管理行政处罚信息公示规定") == Locality()
    assert (
        find_places("平安建设和新兴产业，省、市和县三级") == []
    )  # common words and a bare 和县 are no place


def test_every_division_of_the_table_resolves() -> None:
    for division in divisions():
        place = division.locality
        written = "".join(dict.fromkeys(p for p in (place.province, place.city, place.county) if p))
        assert resolve(written) == place, written
        if len(division.name) >= 3:
            assert place in find_places(division.name)[0].candidates, division.name


def test_ambiguous_names_by_context_prior_and_level() -> None:
    assert resolve("朝阳") == Locality("辽宁省", "朝阳市")  # a city before districts of the same name
    assert resolve("北京朝阳区") == Locality("北京市", None, "朝阳区")
    assert resolve("辽宁朝阳") == Locality("辽宁省", "朝阳市")
    mentions = find_places("北京市的规定在朝阳区怎么执行")
    assert mentions[1].locality == Locality("北京市", None, "朝阳区")  # the province named nearby
    beijing_corpus = [Locality("北京市", None, "朝阳区")]
    assert resolve("朝阳区的信用承诺", prior=beijing_corpus) == Locality("北京市", None, "朝阳区")
    changchun_corpus = [Locality("吉林省", "长春市")]
    assert resolve("朝阳区的信用承诺", prior=changchun_corpus) == Locality("吉林省", "长春市", "朝阳区")


def test_a_provinces_regulation_answers_for_its_cities_and_counties() -> None:
    shandong = meta("sd", Locality("山东省"))
    assert locality_match("济南", shandong) == "above"
    assert SearchFilter(locality="济南").accepts_document(shandong)
    assert not SearchFilter(locality="濮阳").accepts_document(shandong)
    assert locality_match("山东", shandong) == "exact"
    assert locality_match("济南", meta("national", Locality())) == "national"
    city = meta("jn", Locality("山东省", "济南市"), "实施方案")
    assert locality_match("山东省", city) == "within"
    assert relation(Locality("山东省", "济南市", "历下区"), Locality("山东省", "济南市")) == "above"
    assert scope_note("above", shandong.locality, "条例") == "（山东省条例，适用于全省）"
    assert scope_note("above", city.locality, "实施方案") == "（山东省济南市实施方案，适用于全市）"
    assert scope_note("national", Locality(), "条例") == "（全国性规定，适用于各地）"
    assert scope_note("exact", shandong.locality, "条例") == ""


def test_the_shandong_regulation_answers_for_jinan() -> None:
    found = [
        d / SHANDONG for d in (REPO.parent / "shared" / "documents", REPO.parents[1] / "shared" / "documents")
    ]
    path = next((p for p in found if p.exists()), None)
    if path is None:
        pytest.skip("the development documents (../shared/documents) are not beside this checkout")
    document = parse_document("shandong", load_document(path)).meta
    if document.locality != Locality(
        "山东省"
    ):  # the parser may read the title line later; the place is the title's
        document = replace(document, locality=resolve(document.title))
    assert document.locality == Locality("山东省")
    assert locality_match("济南", document) == "above"
    assert SearchFilter(locality="济南市历下区").accepts_document(document)
