"""Each loader on small files made on the fly; bad files are reported and skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import CorpusStore, LoaderError, ingest, load_document

CLAUSE = "一、信用修复\n\n（一）修复方式。失信主体可通过作出信用承诺、完成信用整改等方式开展信用修复。"


def test_txt_in_gbk_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(CLAUSE.encode("gbk"))
    assert "信用承诺" in load_document(path)


def test_docx_headings_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("测试实施方案", level=1)
    document.add_paragraph("（一）修复方式。失信主体可通过作出信用承诺开展信用修复。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "任务"
    table.rows[0].cells[1].text = "责任单位"
    path = tmp_path / "doc.docx"
    document.save(str(path))
    text = load_document(path)
    assert text.startswith("# 测试实施方案")
    assert "作出信用承诺" in text and "任务\t责任单位" in text


def test_pdf_text_is_extracted(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "doc.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72, 760, "一、信用修复")
    pdf.drawString(72, 740, "失信主体可通过作出信用承诺开展信用修复。")
    pdf.save()
    text = load_document(path)
    assert "信用修复" in text and "信用承诺" in text


def test_html_drops_scripts_and_marks_headings(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><script>var x=1;</script></head><body><h2>二、主要任务</h2>"
        "<p>（一）建立信用承诺制度。推行告知承诺。</p></body></html>",
        "utf-8",
    )
    text = load_document(path)
    assert "var x" not in text
    assert "## 二、主要任务" in text and "推行告知承诺" in text


def test_corrupt_pdf_raises_loader_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4 not really a pdf")
    with pytest.raises(LoaderError):
        load_document(path)


def test_ingest_skips_bad_files_and_is_a_no_op_when_unchanged(tmp_path: Path) -> None:
    source = tmp_path / "docs"
    source.mkdir()
    (source / "good.txt").write_text(CLAUSE, "utf-8")
    (source / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    store = CorpusStore(tmp_path / "out")
    report = ingest([source], store, progress=False)
    assert report.documents == 1 and report.passages >= 1
    assert [Path(p).name for p, _ in report.skipped] == ["broken.pdf"]
    again = ingest([source], store, progress=False)
    assert again.unchanged and again.passages == report.passages
    (source / "good.txt").write_text(CLAUSE + "\n\n（二）修复结果。修复完成后停止公示。", "utf-8")
    changed = ingest([source], store, progress=False)
    assert not changed.unchanged and changed.passages > report.passages
    assert store.passages()[0].section_path[0] == "一、信用修复"


def test_runtime_keeps_what_the_user_ingested(tmp_path: Path) -> None:
    from assistant.runtime import ensure_corpus
    from assistant.settings import Settings

    source = tmp_path / "docs"
    source.mkdir()
    (source / "own.txt").write_text(CLAUSE, "utf-8")
    settings = Settings(data_dir=tmp_path / "data")
    ingest([source], CorpusStore(settings.corpus_dir), progress=False)
    store = ensure_corpus(settings, progress=False)
    assert [d.doc_id for d in store.documents()] == ["own"]
    fresh = ensure_corpus(Settings(data_dir=tmp_path / "other"), progress=False)
    assert len(fresh.documents()) == 5  # nothing ingested yet: the bundled corpus
