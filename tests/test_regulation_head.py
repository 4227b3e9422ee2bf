"""The head of a normative document: dated events, 令号, kind and level, on the forms they are printed in."""

from __future__ import annotations

import pytest

from corpus import parse_document
from corpus.head import head_events, order_numbers
from corpus.metadata import find_kind


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "（2013年11月29日江南省第十二届人民代表大会常务委员会第五次会议通过　根据2018年9月21日"
            "江南省第十三届人民代表大会常务委员会第五次会议《关于修改〈江南省信用条例〉的决定》第一次修正）",
            [
                ("通过", "2013-11-29", "江南省人民代表大会常务委员会"),
                ("修正", "2018-09-21", "江南省人民代表大会常务委员会"),
            ],
        ),
        (
            "（2020年12月7日最高人民法院审判委员会第1820次会议通过，自2021年1月1日起施行）",
            [("通过", "2020-12-07", "最高人民法院"), ("施行", "2021-01-01", "")],
        ),
        (
            "（2014年8月7日中华人民共和国国务院令第654号公布 根据2019年3月2日《国务院关于修改部分行政法规的决定》修订）",
            [("公布", "2014-08-07", "中华人民共和国国务院"), ("修订", "2019-03-02", "")],
        ),
        ("2021年7月30日 国家市场监督管理总局令第45号公布", [("公布", "2021-07-30", "国家市场监督管理总局")]),
        ("2013年10月1日 施行", [("施行", "2013-10-01", "")]),
        ("2024年2月5日", []),
    ],
)
def test_head_events(line: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(e.kind, e.date, e.body) for e in head_events(line)] == expected


def test_order_numbers_on_one_line_or_two() -> None:
    assert order_numbers(["（2014年8月7日中华人民共和国国务院令第654号公布）"]) == (
        "中华人民共和国国务院令第654号",
    )
    assert order_numbers(["青禾市人民政府令", "第12号"]) == ("青禾市人民政府令第12号",)


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("信用信息修复管理办法（试行）", "办法"),
        ("江南省公共信用信息管理条例（2018年修正）", "条例"),
        ("企业信息公示暂行条例", "条例"),
        ("公共信用信息管理规定", "规定"),
        ("关于印发《青禾市信用修复实施细则》的通知", "细则"),
        ("关于开展诚信建设万里行活动的通知", "通知"),
        ("最高人民法院关于公布失信被执行人名单信息的若干规定", "规定"),
    ],
)
def test_kind_from_title(title: str, kind: str) -> None:
    assert find_kind(title) == kind


GOVERNMENT_RULE = """青禾市公共信用信息管理办法

（2023年12月1日青禾市人民政府令第12号公布　自公布之日起施行）

第一条为了规范公共信用信息管理，制定本办法。

第二条本市公共信用信息的归集和使用，适用本办法。

第三条本办法所称公共信用信息，依照第二条规定的范围确定。

第十二条规定的目录另行公布。
"""

JUDICIAL = """最高人民法院关于审理信用修复纠纷案件适用法律若干问题的解释

法释〔2024〕9号

（2024年3月4日最高人民法院审判委员会第1900次会议通过，自2024年5月1日起施行）

第一条 人民法院审理信用修复纠纷案件，适用本解释。

第二条 本解释自2024年5月1日起施行。
"""


def test_local_government_rule_without_spaces_after_article_numbers() -> None:
    doc = parse_document("rule", GOVERNMENT_RULE)
    meta = doc.meta
    assert (meta.kind, meta.level, meta.issuer) == ("办法", "地方政府规章", "青禾市人民政府")
    assert meta.doc_number == "青禾市人民政府令第12号"
    assert (meta.date, meta.effective_date) == ("2023-12-01", "2023-12-01")
    articles = [p.section_path for p in doc.passages if p.kind == "article"]
    assert articles == [("第一条",), ("第二条",), ("第三条",)]  # `第十二条规定的…` is not an article
    assert "第十二条规定的目录另行公布。" in doc.passages[-1].text


def test_judicial_interpretation() -> None:
    meta = parse_document("judicial", JUDICIAL).meta
    assert (meta.kind, meta.level, meta.doc_number) == ("解释", "司法解释", "法释〔2024〕9号")
    assert meta.issuer == "最高人民法院"
    assert (meta.date, meta.effective_date) == ("2024-03-04", "2024-05-01")
