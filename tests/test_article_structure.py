"""Invariants of article parsing on generated regulations: every article once, in order, with its chapter;
items never become headings; every passage's offsets re-check against the raw text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import clean_span, enumerated_items, parse_document
from corpus.patterns import int_to_cn

SENTENCE = st.sampled_from(
    [
        "县级以上人民政府应当加强社会信用体系建设。",
        "信用主体有权查询自身的信用信息。",
        "依照本条例第十二条的规定，公共信用信息提供单位应当及时更正。",
        "失信信息的公开期限为三年，自认定之日起计算。",
    ]
)
ITEM = st.sampled_from(["登记注册信息；", "行政许可信息；", "行政处罚信息；", "其他依法应当公示的信息。"])
ARTICLE = st.tuples(st.lists(SENTENCE, min_size=1, max_size=3), st.lists(ITEM, max_size=4), st.booleans())


def render(
    chapters: list[list[tuple[list[str], list[str], bool]]], markdown: bool
) -> tuple[str, dict[int, str]]:
    """A regulation's text and, for each article number, the chapter it is in."""
    lines = [
        "# 示例省社会信用条例" if markdown else "示例省社会信用条例",
        "2021年5月1日 示例省人民代表大会常务委员会通过",
    ]
    chapter_of: dict[int, str] = {}
    number = 0
    for index, articles in enumerate(chapters, start=1):
        chapter = f"第{int_to_cn(index)}章 第{int_to_cn(index)}部分"
        lines.append(("## " if markdown else "") + chapter)
        for sentences, items, second in articles:
            number += 1
            chapter_of[number] = chapter
            lead = "".join(sentences)
            lines.append(f"第{int_to_cn(number)}条 " + (lead[:-1] + "下列信息：" if items else lead))
            lines += [f"（{int_to_cn(i)}）{item}" for i, item in enumerate(items, start=1)]
            if second:
                lines.append("前款规定的信息应当向社会公开。")
    return "\n\n".join(lines) + "\n", chapter_of


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(ARTICLE, min_size=1, max_size=4), min_size=1, max_size=4), st.booleans())
def test_generated_regulations_parse_by_article(chapters, markdown: bool) -> None:  # type: ignore[no-untyped-def]
    raw, chapter_of = render(chapters, markdown)
    doc = parse_document("generated", raw)
    articles = [p for p in doc.passages if p.kind == "article"]
    assert [p.section_path for p in articles] == [
        (chapter_of[n], f"第{int_to_cn(n)}条") for n in range(1, len(chapter_of) + 1)
    ]
    for passage, (_, items, _) in zip(articles, [a for c in chapters for a in c], strict=True):
        assert len(enumerated_items(passage.text)) == len(items)
    for passage in doc.passages:
        source = raw[passage.start : passage.end]
        assert clean_span(source, in_paragraph=passage.kind != "preamble") == passage.text
