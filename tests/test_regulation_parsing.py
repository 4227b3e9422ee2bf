"""Laws and regulations as published: every article with its chapter, items kept with their article, metadata.

The six development regulations (../shared/documents, one per format) and synthetic documents of each genre
(tests/data/synthetic, written for these tests) go through the same checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from corpus import ParsedDocument, clean_span, enumerated_items, load_document, parse_document
from corpus.articles import article_number

SHARED = Path(__file__).resolve().parents[2] / "shared" / "documents"
SHARED = SHARED if SHARED.exists() else Path("/work/shared/documents")
SYNTHETIC = Path(__file__).parent / "data" / "synthetic"


@dataclass(frozen=True)
class Expected:
    """What a regulation states, written down by reading it."""

    articles: int
    chapters: dict[str, str] = field(default_factory=dict)  # first article of each division → division path
    kind: str = "条例"
    level: str = "地方性法规"
    issuer: str = ""
    doc_number: str = ""
    dates: dict[str, str] = field(default_factory=dict)  # event kind → ISO date
    date: str | None = None


DEVELOPMENT = {
    "企业信息公示暂行条例.txt": Expected(
        25,
        level="行政法规",
        issuer="国务院",
        doc_number="中华人民共和国国务院令第654号",
        dates={"通过": "2014-07-23", "公布": "2014-08-07", "施行": "2014-10-01"},
        date="2014-08-07",
    ),
    "市场监督管理行政处罚信息公示规定.md": Expected(
        19,
        kind="规定",
        level="部门规章",
        issuer="国家市场监督管理总局",
        doc_number="国家市场监督管理总局令第45号",
        dates={"公布": "2021-07-30", "施行": "2021-09-01"},
        date="2021-07-30",
    ),
    "山东省社会信用条例.md": Expected(
        61,
        {
            "第一条": "第一章 总则",
            "第八条": "第二章 社会信用信息采集和归集",
            "第二十条": "第三章 社会信用信息披露",
            "第二十五条": "第四章 守信激励和失信惩戒",
            "第三十五条": "第五章 信用主体权益保护",
            "第四十三条": "第六章 信用服务行业规范发展",
            "第四十八条": "第七章 信用环境建设",
            "第五十四条": "第八章 法律责任",
            "第六十条": "第九章 附则",
        },
        issuer="山东省人民代表大会常务委员会",
        dates={"通过": "2020-07-24", "施行": "2020-10-01"},
        date="2020-07-24",
    ),
    "浙江省公共信用信息管理条例.pdf": Expected(
        36,
        {
            "第一条": "第一章 总则",
            "第九条": "第二章 信息归集与披露",
            "第二十一条": "第三章 激励与惩戒",
            "第二十九条": "第四章 信息主体的权益保护",
            "第三十三条": "第五章 法律责任",
            "第三十六条": "第六章 附则",
        },
        issuer="浙江省人民代表大会常务委员会",
        dates={"通过": "2017-09-30", "施行": "2018-01-01"},
        date="2017-09-30",
    ),
    "深圳经济特区社会信用条例.docx": Expected(
        90,
        {
            "第一条": "第一章 总则",
            "第九条": "第二章 信用体系建设",
            "第二十三条": "第三章 信用信息管理 > 第一节 一般规定",
            "第三十一条": "第三章 信用信息管理 > 第二节 公共信用信息管理",
            "第三十九条": "第四章 信用主体权益保护 > 第一节 一般规定",
            "第四十四条": "第四章 信用主体权益保护 > 第二节 信用信息查询",
            "第四十八条": "第四章 信用主体权益保护 > 第三节 信用信息异议",
            "第五十三条": "第五章 信用监管 > 第一节 一般规定",
            "第五十七条": "第五章 信用监管 > 第二节 信用承诺",
            "第六十五条": "第五章 信用监管 > 第三节 失信惩戒",
            "第七十九条": "第五章 信用监管 > 第四节 信用修复",
            "第八十六条": "第六章 法律责任",
            "第九十条": "第七章 附则",
        },
        issuer="深圳市人民代表大会常务委员会",
        dates={"通过": "2022-12-29", "施行": "2023-03-01"},
        date="2022-12-29",
    ),
    "台州市企业信用促进条例.html": Expected(
        35,
        issuer="台州市人民代表大会常务委员会",
        dates={"通过": "2019-12-18", "批准": "2020-03-26", "施行": "2020-07-01"},
        date="2019-12-18",
    ),
}

SYNTHETIC_REGULATIONS = {
    "青禾市社会信用促进条例.md": Expected(
        6,
        {
            "第一条": "第一章 总则",
            "第三条": "第二章 信用信息 > 第一节 一般规定",
            "第五条": "第二章 信用信息 > 第二节 信用修复",
            "第六条": "第三章 附则",
        },
        issuer="青禾市人民代表大会常务委员会",
        dates={"通过": "2023-06-28", "批准": "2023-09-22", "施行": "2024-01-01"},
        date="2023-06-28",
    ),
    "信用承诺管理规定.txt": Expected(
        4,
        kind="规定",
        level="部门规章",
        issuer="国家信用管理局",
        doc_number="国家信用管理局令第7号",
        dates={"公布": "2022-03-01", "施行": "2022-05-01"},
        date="2022-03-01",
    ),
}


def parse_file(path: Path) -> ParsedDocument:
    return parse_document(path.stem, load_document(path), source_path=str(path))


@pytest.fixture(scope="module")
def development() -> dict[str, ParsedDocument]:
    if not SHARED.exists():
        pytest.skip("the development regulations are not present")
    return {name: parse_file(SHARED / name) for name in DEVELOPMENT}


@pytest.fixture(scope="module")
def synthetic() -> dict[str, ParsedDocument]:
    return {name: parse_file(SYNTHETIC / name) for name in SYNTHETIC_REGULATIONS}


def article_passages(doc: ParsedDocument) -> dict[str, list[str]]:
    """Article label → the division paths of its passages (a split article has several)."""
    found: dict[str, list[str]] = {}
    for passage in doc.passages:
        if passage.kind == "article":
            label = re.sub(r"第[一二三四五六七八九十]+款.*$", "", passage.section_path[-1])
            found.setdefault(label, []).append(" > ".join(passage.section_path[:-1]))
    return found


def check_articles(doc: ParsedDocument, expected: Expected) -> None:
    articles = article_passages(doc)
    numbers = [article_number(label) for label in articles]
    assert numbers == list(range(1, expected.articles + 1)), numbers
    division = ""
    for label, paths in articles.items():
        division = expected.chapters.get(label, division)
        assert set(paths) == {division}, (label, paths)


def check_metadata(doc: ParsedDocument, expected: Expected) -> None:
    meta = doc.meta
    assert (meta.kind, meta.level, meta.issuer) == (expected.kind, expected.level, expected.issuer)
    assert meta.doc_number == expected.doc_number
    assert {event.kind: event.date for event in meta.dates} == expected.dates
    assert meta.date == expected.date
    assert meta.effective_date == expected.dates["施行"]
    assert all(event.raw and event.raw in doc.raw_text.replace("# ", "") for event in meta.dates)


def check_offsets(doc: ParsedDocument) -> None:
    for passage in doc.passages:
        source = doc.raw_text[passage.start : passage.end]
        assert clean_span(source, in_paragraph=passage.kind != "preamble") == passage.text, passage.passage_id


@pytest.mark.parametrize("name", list(DEVELOPMENT))
def test_development_regulation_articles(development: dict[str, ParsedDocument], name: str) -> None:
    check_articles(development[name], DEVELOPMENT[name])


@pytest.mark.parametrize("name", list(DEVELOPMENT))
def test_development_regulation_metadata(development: dict[str, ParsedDocument], name: str) -> None:
    doc = development[name]
    check_metadata(doc, DEVELOPMENT[name])
    assert doc.meta.title == Path(name).stem  # read from the document's head, which names it so
    check_offsets(doc)


@pytest.mark.parametrize("name", list(SYNTHETIC_REGULATIONS))
def test_synthetic_regulation_articles_and_metadata(synthetic: dict[str, ParsedDocument], name: str) -> None:
    doc = synthetic[name]
    check_articles(doc, SYNTHETIC_REGULATIONS[name])
    check_metadata(doc, SYNTHETIC_REGULATIONS[name])
    assert doc.meta.title == Path(name).stem
    check_offsets(doc)


def passage_of(doc: ParsedDocument, label: str) -> str:
    return next(p.text for p in doc.passages if p.section_path and p.section_path[-1] == label)


def test_items_stay_with_their_article(development: dict[str, ParsedDocument]) -> None:
    doc = development["企业信息公示暂行条例.txt"]
    sixth = passage_of(doc, "第六条")
    assert (
        "下列企业信息：" in sixth and "(五)其他依法应当公示的信息" in sixth and "前款规定的企业信息" in sixth
    )
    assert [item[:3] for item in enumerated_items(sixth)] == ["(一)", "(二)", "(三)", "(四)", "(五)"]
    # 第十八条 is cited as itself, not under the last item of 第十七条; 第八条 not under an item of 第七条.
    assert [p.section_path for p in doc.passages if p.text.startswith("第十八条")] == [("第十八条",)]
    assert [p.section_path for p in doc.passages if p.text.startswith("第八条")] == [("第八条",)]
    assert not any(p.section_path[-1].startswith("(") for p in doc.passages)
    zhejiang = development["浙江省公共信用信息管理条例.pdf"]
    measures = passage_of(zhejiang, "第二十六条")
    assert len(enumerated_items(measures)) == 9 and "（四）限制高消费；" in measures
    shenzhen = development["深圳经济特区社会信用条例.docx"]
    assert len(enumerated_items(passage_of(shenzhen, "第二条"))) == 5


def test_a_long_article_splits_at_its_paragraphs_never_inside_an_enumeration(
    synthetic: dict[str, ParsedDocument],
) -> None:
    doc = synthetic["青禾市社会信用促进条例.md"]
    parts = [p for p in doc.passages if p.section_path[-1].startswith("第五条")]
    assert [p.section_path[-1] for p in parts] == ["第五条第一款至第二款", "第五条第三款"]
    assert (
        "申请信用修复应当提交下列材料：" in parts[0].text
        and "（四）法律、法规规定的其他材料。" in parts[0].text
    )
    third = passage_of(doc, "第三条")
    assert len(enumerated_items(third)) == 4 and "依照本条例第十二条的规定" in third
    # A paragraph that opens with a cross-reference is a 款 of its article, not an article.
    assert "第十二条规定的公开期限届满的" in passage_of(doc, "第四条")


def test_preamble_and_comments(development: dict[str, ParsedDocument]) -> None:
    shandong = development["山东省社会信用条例.md"]
    assert "INFO END" not in shandong.raw_text and "<!--" not in shandong.raw_text
    preamble = [p for p in shandong.passages if p.kind == "preamble"]
    assert [p.section_path for p in preamble] == [("题注",)] and "会议通过" in preamble[0].text


def test_cited_basis_and_locality(development: dict[str, ParsedDocument]) -> None:
    taizhou = development["台州市企业信用促进条例.html"].meta
    assert taizhou.cites == ("浙江省公共信用信息管理条例",)
    assert development["企业信息公示暂行条例.txt"].meta.locality.names() == ()  # national: no locality
    assert "山东省" in development["山东省社会信用条例.md"].meta.locality.label


def test_synthetic_notice_in_a_web_page() -> None:
    doc = parse_file(SYNTHETIC / "青禾市信用承诺实施方案.html")
    meta = doc.meta
    assert meta.title == "关于印发《青禾市信用承诺实施方案》的通知"
    assert (meta.kind, meta.level, meta.doc_number) == ("实施方案", "规范性文件", "青信办〔2024〕3号")
    assert meta.issuer == "青禾市社会信用体系建设领导小组办公室" and meta.date == "2024-02-05"
    assert meta.validity == "有效期3年" and meta.cites == ("江南省社会信用条例",)
    assert not any(word in doc.raw_text for word in ("首页", "当前位置", "索引号", "打印本页", "版权所有"))
    paths = [p.section_label for p in doc.passages]
    assert "二、主要任务 > （一）推行告知承诺 > 2. 对承诺不实的申请人依法撤销许可" in paths
    assert not any(p.kind == "article" for p in doc.passages)
    check_offsets(doc)


def test_a_notice_issuing_a_regulation_cites_its_articles_under_the_attachment() -> None:
    doc = parse_file(SYNTHETIC / "青禾市信用修复管理办法的通知.txt")
    meta = doc.meta
    assert (meta.kind, meta.level, meta.doc_number) == ("办法", "规范性文件", "青发改信用〔2024〕8号")
    assert (meta.date, meta.effective_date, meta.validity) == ("2024-04-08", "2024-05-01", "有效期5年")
    assert meta.cites == ("江南省社会信用条例",)  # what it issues is not its basis
    check_articles(
        doc,
        Expected(
            4,
            {
                "第一条": "附件1 青禾市信用修复管理办法 > 第一章 总则",
                "第三条": "附件1 青禾市信用修复管理办法 > 第二章 修复程序",
            },
        ),
    )
    third = passage_of(doc, "第三条")
    assert len(enumerated_items(third)) == 2 and "五个工作日内作出决定" in third
    check_offsets(doc)


def test_regulations_round_trip_through_the_store(tmp_path: Path) -> None:
    from corpus import CorpusStore, ingest

    store = CorpusStore(tmp_path / "corpus")
    report = ingest([SYNTHETIC], store, progress=False)
    assert report.documents == 4 and not report.skipped
    stored = {meta.doc_id: meta for meta in store.documents()}
    for path in SYNTHETIC.iterdir():
        parsed = parse_file(path)
        assert stored[parsed.meta.doc_id] == parsed.meta
        assert [p for p in store.passages() if p.doc_id == parsed.meta.doc_id] == list(parsed.passages)
