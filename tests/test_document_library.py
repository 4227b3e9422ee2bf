"""The pure parts of the knowledge base: upload checks, corrections, the preview's order, the library's undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.corrections import Corrections, apply_corrections, correctable_fields
from assistant.document_view import clean_tree, parse_warnings, passage_sections, sections_in_order
from assistant.documents_service import plan_upload
from assistant.errors import DocumentExists, DocumentRejected, DocumentTooLarge
from assistant.library import DocumentLibrary, stored_name, upload_doc_id
from corpus import DocumentMeta, Locality, Passage, SectionNode


def meta(**changes: object) -> DocumentMeta:
    base = DocumentMeta("doc", "某县信用办法", "", ("某信〔2026〕1号",), (), None, Locality(), "通知")
    return DocumentMeta(**{**{f: getattr(base, f) for f in base.__slots__}, **changes})  # type: ignore[arg-type]


def passage(path: tuple[str, ...]) -> Passage:
    return Passage("p", "doc", path, "正文", 0, 2)


def test_upload_names_become_safe_document_ids() -> None:
    assert stored_name("../../etc/青川县办法.docx") == "青川县办法.docx"
    assert stored_name("a:b*c?.pdf") == "a_b_c_.pdf"
    assert upload_doc_id("C:\\文件\\鹤壁市 信用体检.txt") == "鹤壁市-信用体检"


def test_an_upload_request_is_checked_whole() -> None:
    ok = plan_upload([("甲.txt", b"text"), ("乙.pdf", b"%PDF")], {"puyang-2020"}, 3, 100)
    assert [f.doc_id for f in ok] == ["甲", "乙"]
    cases: list[tuple[list[tuple[str, bytes]], type[Exception], str]] = [
        ([], DocumentRejected, "没有收到文件"),
        ([("名单.xls", b"x")], DocumentRejected, "不受支持"),
        ([("无扩展名", b"x")], DocumentRejected, "无扩展名"),
        ([("大.txt", b"x" * 101)], DocumentTooLarge, "过大"),
        ([("空.txt", b"  \n")], DocumentRejected, "空文件"),
        ([("puyang-2020.txt", b"x")], DocumentExists, "替换"),
        ([("甲.txt", b"x"), ("甲.md", b"y")], DocumentRejected, "改名"),
        ([(f"{i}.txt", b"x") for i in range(4)], DocumentRejected, "最多上传 3 个"),
    ]
    for files, error, words in cases:
        with pytest.raises(error, match=words):
            plan_upload(files, {"puyang-2020"}, 3, 100)


def test_corrections_set_fields_and_null_drops_one(tmp_path: Path) -> None:
    corrections = Corrections(tmp_path / "corrections.json")
    corrections.merge(
        "doc", {"issuer": "某县人民政府", "date": "2026-03-02", "locality": {"province": "四川省"}}
    )
    fixed = apply_corrections(meta(), corrections.of("doc"))
    assert (fixed.issuer, fixed.date, fixed.year) == ("某县人民政府", "2026-03-02", 2026)
    assert fixed.locality == Locality("四川省", None, None)
    corrections.merge("doc", {"issuer": None})
    assert corrections.of("doc") == {"date": "2026-03-02", "locality": {"province": "四川省"}}
    assert apply_corrections(meta(), {"no_such_field": 1, "doc_id": "other"}) == meta()  # fixed or unknown
    assert {"title", "issuer", "date", "locality"} <= set(correctable_fields())
    assert "doc_id" not in correctable_fields()


def test_warnings_name_what_the_parser_could_not_find() -> None:
    codes = [w.code for w in parse_warnings(meta(title="doc"), {"pages_without_text": [2, 3]})]
    assert codes == ["no_text_layer", "no_title", "unknown_locality"]
    assert "第 2、3 页" in parse_warnings(meta(), {"pages_without_text": [2, 3]})[0].message
    assert parse_warnings(meta(locality=Locality("河南省", "濮阳市")), {}) == []


def test_sections_keep_document_order_without_blank_or_repeated_entries() -> None:
    paths = [
        (),
        ("一、总体要求",),
        ("二、措施", "（二）乙"),
        ("二、措施", "（三）丙"),
        ("附件1",),
        ("附件1 清单",),
    ]
    passages = [passage(p) for p in [paths[0], paths[1], paths[3], paths[2], paths[4], paths[5]]]
    assert sections_in_order(passages) == [
        "（文首）",
        "一、总体要求",
        "二、措施 > （三）丙",  # the order the document has, not sorted
        "二、措施 > （二）乙",
        "附件1 清单",
    ]
    assert (
        passage_sections(passages)[4] == "附件1 清单"
    )  # the bare heading's passage is listed under its title
    tree = (
        SectionNode("一、甲", (SectionNode("（三）丙"), SectionNode("（二）乙"))),
        SectionNode(""),
        SectionNode("附件1"),
        SectionNode("附件1 清单"),
    )
    cleaned = clean_tree(tree)
    assert [n.label for n in cleaned] == ["一、甲", "附件1 清单"]
    assert [c.label for c in cleaned[0].children] == ["（三）丙", "（二）乙"]


def test_a_change_to_the_library_can_be_undone(tmp_path: Path) -> None:
    library = DocumentLibrary(tmp_path / "documents", tmp_path / "info.json")
    library.root.mkdir()
    (library.root / "甲.txt").write_text("旧", "utf-8")
    staged = tmp_path / "new.md"
    staged.write_text("新", "utf-8")
    undo = library.put("甲", staged, tmp_path / "backup")
    assert set(library.files()) == {"甲"} and library.files()["甲"].suffix == ".md"
    undo.run()
    assert library.files()["甲"].read_text("utf-8") == "旧"
    undo = library.remove("甲", tmp_path / "backup")
    assert library.files() == {}
    undo.run()
    assert set(library.files()) == {"甲"}
