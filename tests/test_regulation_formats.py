"""Formats as published, on synthetic regulations: a Word file with automatic article numbering and a table,
a browser-printed PDF (headers, footers, page-width line breaks), GB18030 and Big5 text, a scanned PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import LoaderError, load_document, parse_document
from corpus.pdftext import fold_compatibility
from tests.test_regulation_parsing import (
    SYNTHETIC,
    SYNTHETIC_REGULATIONS,
    check_articles,
    check_metadata,
    check_offsets,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ARTICLE_NUM_ID = "77"


def add_article_numbering(document) -> None:  # type: ignore[no-untyped-def]
    """A numbering definition `第%1条` counted in Chinese, as Word writes one for auto-numbered articles."""
    from docx.oxml import parse_xml

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {ns} w:abstractNumId="{ARTICLE_NUM_ID}"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1条"/></w:lvl></w:abstractNum>'
        )
    )
    numbering.append(
        parse_xml(
            f'<w:num {ns} w:numId="{ARTICLE_NUM_ID}"><w:abstractNumId w:val="{ARTICLE_NUM_ID}"/></w:num>'
        )
    )


def numbered(paragraph) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml import parse_xml

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {ns}><w:ilvl w:val="0"/><w:numId w:val="{ARTICLE_NUM_ID}"/></w:numPr>')
    )


def write_docx(markdown: str, path: Path) -> None:
    """The synthetic 条例 as Word writes it: heading styles, articles numbered automatically, a table."""
    import docx

    document = docx.Document()
    add_article_numbering(document)
    for block in markdown.split("\n\n"):
        block = block.strip()
        if not block or block.startswith("<!--"):
            continue
        if block.startswith("#"):
            marks, _, text = block.partition(" ")
            document.add_heading(text.strip(), level=len(marks))
        elif block.startswith("第") and "条 " in block[:8]:
            numbered(document.add_paragraph(block.split(" ", 1)[1]))
        else:
            document.add_paragraph(block)
        if block.startswith("第二条"):
            table = document.add_table(rows=2, cols=2)
            for row, cells in zip(
                table.rows, (("信息类别", "归集单位"), ("行政许可", "市政务服务局")), strict=True
            ):
                row.cells[0].text, row.cells[1].text = cells
    document.save(str(path))


def test_docx_with_automatic_article_numbers_and_a_table(tmp_path: Path) -> None:
    name = "青禾市社会信用促进条例.md"
    path = tmp_path / "青禾市社会信用促进条例.docx"
    write_docx((SYNTHETIC / name).read_text("utf-8"), path)
    text = load_document(path)
    assert text.startswith("# 青禾市社会信用促进条例")
    assert "第五条 信用主体在失信信息公开期限内" in text
    assert text.index("第二条") < text.index("信息类别\t归集单位") < text.index("第三条")  # document order
    doc = parse_document("qinghe", text)
    check_articles(doc, SYNTHETIC_REGULATIONS[name])
    check_metadata(doc, SYNTHETIC_REGULATIONS[name])
    check_offsets(doc)


def write_printed_pdf(text: str, path: Path, per_line: int = 22, per_page: int = 14) -> None:
    """A regulation printed from a browser: date/time and page title on top, URL and `n/N` below."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    lines = [
        para[i : i + per_line]
        for para in text.split("\n")
        if para.strip()
        for i in range(0, len(para), per_line)
    ]
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number, page in enumerate(pages, start=1):
        pdf.setFont("STSong-Light", 9)
        pdf.drawString(40, 810, "2024/5/6 10:23")
        pdf.drawString(300, 810, "信用承诺管理规定")
        pdf.drawString(40, 30, "file:///D:/docs/rule.html")
        pdf.drawString(520, 30, f"{number}/{len(pages)}")
        pdf.setFont("STSong-Light", 12)
        for row, line in enumerate(page):
            pdf.drawString(60, 770 - row * 20, line)
        pdf.showPage()
    pdf.save()


def test_printed_pdf_reads_as_the_regulation(tmp_path: Path) -> None:
    name = "信用承诺管理规定.txt"
    source = (SYNTHETIC / name).read_bytes().decode("gb18030").replace("\r\n", "\n")
    path = tmp_path / "rule.pdf"
    write_printed_pdf(source, path)
    text = load_document(path)
    assert not any(margin in text for margin in ("10:23", "file:///", "1/2", "2/2"))
    assert text.split("\n\n")[0] == "信用承诺管理规定"
    assert "第二条 有下列情形之一的，行政机关可以要求申请人作出信用承诺：" in text  # re-joined across lines
    doc = parse_document("rule", text)
    assert doc.meta.title == "信用承诺管理规定"
    check_articles(doc, SYNTHETIC_REGULATIONS[name])
    check_metadata(doc, SYNTHETIC_REGULATIONS[name])


def test_scanned_pdf_is_refused_by_name(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "扫描件条例.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(50, 50, 400, 600, fill=1)  # an image-only page: no text layer
    pdf.save()
    with pytest.raises(LoaderError, match=r"扫描件条例\.pdf.*没有文字层"):
        load_document(path)


def test_gb18030_with_crlf_and_big5(tmp_path: Path) -> None:
    text = load_document(SYNTHETIC / "信用承诺管理规定.txt")
    assert "\r" not in text and "第四条 本规定自2022年5月1日起施行。" in text
    big5 = tmp_path / "big5.txt"
    big5.write_bytes("信用承諾管理規定\r\n\r\n第一條 為了規範信用承諾，制定本規定。\r\n".encode("big5"))
    assert "第一條 為了規範信用承諾" in load_document(big5)


def test_compatibility_code_points_fold_but_punctuation_stays() -> None:
    assert fold_compatibility("⼈⺠政府⻔户⽤（一）：，") == "人民政府门户用（一）：，"


LAYOUT_PAGE = """<html><head><title>青禾市诚信建设条例 - 青禾人大网</title></head><body>
<div id="nav"><a href="/">首页</a> <a href="/xw">新闻中心</a> <a href="/fg">法规库</a></div>
<table width="100%"><tr><td><table><tr><td>
<p align="center"><b>青禾市诚信建设条例</b></p>
<p>2022年8月30日 青禾市第九届人民代表大会常务委员会第三次会议通过</p>
<p>第一条 为了推进诚信建设，根据有关法律、法规，结合本市实际，制定本条例。本条例适用于本市行政区域。</p>
<p>第二条 诚信建设包括下列内容：</p><p>（一）政务诚信；</p><p>（二）商务诚信。</p>
<p>第三条 本条例自2023年1月1日起施行。</p>
</td></tr></table></td></tr></table>
<div class="foot">版权所有 青禾人大网</div></body></html>"""


def test_web_page_laid_out_in_tables(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_text(LAYOUT_PAGE, "utf-8")
    text = load_document(path)
    assert text.startswith("# 青禾市诚信建设条例\n\n2022年8月30日")
    assert text.count("第一条") == 1 and "新闻中心" not in text and "版权所有" not in text
    doc = parse_document("page", text)
    assert [p.section_path for p in doc.passages if p.kind == "article"] == [
        ("第一条",),
        ("第二条",),
        ("第三条",),
    ]
    assert doc.meta.issuer == "青禾市人民代表大会常务委员会" and doc.meta.effective_date == "2023-01-01"
