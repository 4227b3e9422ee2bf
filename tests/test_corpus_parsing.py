"""Corpus ingestion on the real five documents: metadata, structure, units, table, offsets."""

from __future__ import annotations

import itertools
import re

import pytest

from corpus import ParsedDocument, clean_span
from corpus.normalize import TERMINAL_CHARS, is_title_line


def test_metadata_of_each_seed_document(corpus_docs: dict[str, ParsedDocument]) -> None:
    puyang = corpus_docs["puyang-2020"].meta
    assert puyang.doc_numbers == ("濮信用〔2020〕3号",)
    assert puyang.issuer == "濮阳市社会信用体系建设工作联席会议办公室"
    assert puyang.locality.province == "河南省" and puyang.locality.city == "濮阳市"
    assert puyang.kind == "实施方案" and puyang.year == 2020
    assert "国办发〔2019〕35号" in puyang.cited_doc_numbers

    changzhou = corpus_docs["changzhou-xinbei-2021"].meta
    assert changzhou.doc_numbers == ("常新政〔2021〕5号",)
    assert (
        changzhou.title
        == "常州市新北区人民政府关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的实施意见"
    )
    assert changzhou.kind == "实施意见"
    assert changzhou.locality.county == "新北区"

    wengyuan = corpus_docs["wengyuan-2023"].meta
    assert wengyuan.doc_numbers == ("翁府办〔2023〕2号",)
    assert wengyuan.issuer == "翁源县人民政府办公室"
    assert wengyuan.date == "2023-03-17"
    assert wengyuan.locality.county == "翁源县" and wengyuan.locality.province == "广东省"

    wuyang = corpus_docs["wuyang-henan-2018"].meta
    assert wuyang.doc_numbers == ("舞信用办〔2018〕3号", "豫政〔2016〕65号")
    assert wuyang.date == "2018-05-21"
    assert wuyang.locality.county == "舞阳县"

    chaoyang = corpus_docs["chaoyang-2020"].meta
    assert chaoyang.doc_numbers == ("朝信办发〔2020〕11号",)
    assert chaoyang.locality.city == "朝阳市" and chaoyang.locality.province == "辽宁省"
    assert chaoyang.attachment_kinds == ("任务清单", "解读")


def test_page_break_artefacts_are_joined(corpus_docs: dict[str, ParsedDocument]) -> None:
    texts = [p.text for p in corpus_docs["puyang-2020"].passages]
    assert any("信用报告广泛应用" in t for t in texts)
    assert any("加强行业自律。" in t for t in texts)
    assert not any("信用报告广\n" in t for t in texts)


def test_no_passage_has_a_mid_sentence_break(corpus_docs: dict[str, ParsedDocument]) -> None:
    for doc in corpus_docs.values():
        for passage in doc.passages:
            assert "\n\n" not in passage.text
            lines = passage.text.split("\n")
            for before, after in itertools.pairwise(lines):
                finished = before[-1] in TERMINAL_CHARS or is_title_line(before)
                assert finished or re.match(r"^[\d（(一二三四五六七八九十]", after), (
                    passage.passage_id,
                    before[-20:],
                )


def test_passage_offsets_map_back_to_the_raw_text(corpus_docs: dict[str, ParsedDocument]) -> None:
    for doc in corpus_docs.values():
        for passage in doc.passages:
            source = doc.raw_text[passage.start : passage.end]
            if passage.kind == "table_row":
                assert source == passage.text
            else:
                assert clean_span(source, in_paragraph=True) == passage.text, passage.passage_id


def test_section_paths_of_known_clauses(corpus_docs: dict[str, ParsedDocument]) -> None:
    def path_of(doc_id: str, needle: str) -> str:
        return next(p.section_label for p in corpus_docs[doc_id].passages if needle in p.text)

    assert path_of("puyang-2020", "可通过作出信用承诺、完成信用整改") == (
        "三、责任分工 > （一）夯实信用监管基础支撑 > 8. 探索建立信用修复机制"
    )
    assert path_of("puyang-2020", "依托省、市统一的联合奖惩系统") == (
        "三、责任分工 > （四）抓牢事后信用监管环节 > 21. 深入开展失信联合惩戒"
    )
    # Markdown levels in 翁源 are inconsistent (## / ### / ####); numbering decides.
    assert path_of("wengyuan-2023", "统一社会信用代码重错码率降至0.02%以下") == (
        "二、主要工作 > （二）加强事中环节信用监管 > 13. 加强统一社会信用代码建设"
    )
    assert path_of("wuyang-henan-2018", "对举报人信息严格保密").startswith("四、健全约束和惩戒失信行为机制")


def test_lead_units_of_known_clause(corpus_docs: dict[str, ParsedDocument]) -> None:
    clause8 = next(p for p in corpus_docs["puyang-2020"].passages if "8. 探索建立信用修复机制" in p.text)
    assert clause8.lead_units == ("市发展改革委", "人行濮阳市中心支行", "市委营商环境办")
    assert "各县（区）人民政府" in clause8.responsible_units
    # Units on their own line after the clause (翁源 〔牵头单位：…〕) attach to the clause.
    clause4 = next(
        p for p in corpus_docs["wengyuan-2023"].passages if p.text.startswith("4. 抓好行业协会信用承诺")
    )
    assert clause4.lead_units == ("县民政局",)


def test_chaoyang_task_table(corpus_docs: dict[str, ParsedDocument]) -> None:
    rows = corpus_docs["chaoyang-2020"].table_rows
    assert [r.row_number for r in rows] == list(range(1, 43))
    assert all(r.task_area and r.main_task for r in rows)
    by_number = {r.row_number: r for r in rows}
    assert by_number[7].task_area == "一、创新事前环节信用监管"
    assert by_number[2].main_task == by_number[1].main_task
    # A merged cell split by a page break ("…信息公开" / "公示") is rejoined, and a truncated one completed.
    assert by_number[36].main_task.endswith("大力推进信用监管信息公开公示")
    assert by_number[35].main_task == by_number[36].main_task
    assert by_number[37].main_task.endswith("大数据对信用监管的支撑作用")
    assert by_number[4].units.lead_units == ("市民政局",)
    table_passages = [p for p in corpus_docs["chaoyang-2020"].passages if p.kind == "table_row"]
    assert len(table_passages) == 42
    assert table_passages[0].section_path[0].startswith("附件1")


@pytest.mark.parametrize(
    ("note", "lead", "responsible"),
    [
        (
            "牵头单位：市发展改革委，责任单位：各县（区）人民政府，各部门",
            ("市发展改革委",),
            ("各县（区）人民政府", "各部门"),
        ),
        ("区经发局牵头，区各有关部门按职责分别负责", ("区经发局",), ("区各有关部门",)),
        ("责任单位：市发展改革委", (), ("市发展改革委",)),
    ],
)
def test_unit_notes(note: str, lead: tuple[str, ...], responsible: tuple[str, ...]) -> None:
    from corpus.units import parse_units

    units = parse_units(note)
    assert units.lead_units == lead
    assert units.responsible_units == responsible
