"""The clerk's printable measures sheet (pure): one self-contained HTML document with print CSS.

Built from an `applicable_measures` answer (a subject's or a category's): title, date, the subject (a natural
person's name and ID number masked), the status that decides the measures, the measures of documents that apply in
the place first, those of other places below a divider and collapsed, every measure with its source (title, 文号,
article), the quoted source passages, and the knowledge-base version. Every value is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from assistant.models import Answer, Citation
from assistant.tools.measures import CATEGORY_TITLES

SHEET_CSS = """
@page{size:A4;margin:16mm 14mm}
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
 color:#1f2328;max-width:900px;margin:24px auto;padding:0 16px;font-size:14px;line-height:1.6}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;border-bottom:2px solid #d0d7de;padding-bottom:2px;margin:20px 0 8px}
h3{font-size:15px;margin:14px 0 6px}
.meta{color:#57606a;font-size:12px;margin:0}
table.subject{border-collapse:collapse;width:100%}
table.subject th{width:9em;text-align:left;color:#57606a;font-weight:normal;padding:3px 6px;vertical-align:top}
table.subject td{padding:3px 6px}
ol.measures{padding-left:1.6em;margin:4px 0}ol.measures li{margin:4px 0}
.kind{color:#0969da;font-weight:600}
.src{color:#57606a;font-size:12px}
.place{display:inline-block;border:1px solid #d0d7de;border-radius:8px;padding:0 6px;font-size:11px;color:#57606a}
hr.divider{border:0;border-top:1px dashed #8c959f;margin:12px 0}
details.others summary{cursor:pointer;color:#57606a}
ol.sources li{margin:6px 0}
blockquote{margin:2px 0 0;padding:2px 8px;border-left:3px solid #d0d7de;color:#3d444d;font-size:12px}
.note{color:#57606a;font-size:12px;margin-top:18px}
button.print{float:right;font-size:14px;padding:4px 14px;cursor:pointer}
@media print{
 body{margin:0;max-width:none;padding:0}
 .noprint{display:none!important}
 h2,h3{break-after:avoid}
 li,blockquote,tr{break-inside:avoid}
 details.others:not([open]){display:none}
}
"""
PERSON_KIND = "自然人"


@dataclass(frozen=True, slots=True)
class SheetSubject:
    """Who the sheet is for, as printed (a natural person's name and ID number masked)."""

    name: str
    identifier: str
    kind: str
    locality: str

    @property
    def personal(self) -> bool:
        return self.kind == PERSON_KIND


@dataclass(frozen=True, slots=True)
class MeasuresSheet:
    day: dt.date
    answer: Answer
    corpus_version: str
    subject: SheetSubject | None = None
    category: str | None = None  # a category sheet (no subject)
    locality: str | None = None

    @property
    def title(self) -> str:
        if self.subject is not None:
            return f"适用措施清单 · {masked_name(self.subject)}"
        place = f" · {self.locality}" if self.locality else ""
        return f"措施清单 · {self.category or ''}{place}"


def masked_name(subject: SheetSubject) -> str:
    """A natural person's name shows its first character only (张**); an organisation's name in full."""
    if not subject.personal or len(subject.name) < 2:
        return subject.name
    return subject.name[0] + "*" * (len(subject.name) - 1)


def identifier_label(subject: SheetSubject) -> str:
    return "身份证号（已脱敏）" if subject.personal else "统一社会信用代码"


def _subject_table(subject: SheetSubject) -> str:
    rows = [
        ("名称", masked_name(subject)),
        (identifier_label(subject), subject.identifier),
        ("主体类型", subject.kind),
        ("所在地区", subject.locality or "未登记"),
    ]
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v or '—')}</td></tr>" for k, v in rows)
    return f"<h2>主体</h2><table class='subject'>{cells}</table>"


def _status(sheet: MeasuresSheet) -> str:
    answer = sheet.answer
    categories = answer.data.get("categories") or []
    if sheet.subject is None:
        place = sheet.locality or "不限地区"
        return f"<h2>类别</h2><p>{escape('、'.join(categories) or (sheet.category or ''))}（{escape(place)}）</p>"
    if not categories:
        return f"<h2>信用状况</h2><p>{escape(answer.text.splitlines()[0].replace('**', ''))}</p>"
    items = "".join(
        f"<li>{escape(r.kind)}：{escape(r.label)}<span class='src'>（{escape(r.detail)}）</span></li>"
        for r in answer.records
    )
    return (
        f"<h2>信用状况</h2><p>适用类别：{escape('、'.join(categories))}。依据以下记录：</p><ul>{items}</ul>"
    )


def _source_line(citation: Citation | None) -> str:
    if citation is None:
        return ""
    parts = [f"《{citation.title}》", citation.doc_number, citation.section_path]
    text = " · ".join(part for part in parts if part)
    return f"<div class='src'>出处：[{citation.number}] {escape(text)}</div>"


def _measure_items(rows: list[dict], cited: dict[int, Citation]) -> str:
    items = []
    for row in rows:
        text = row.get("quote") or row.get("measure", "")
        items.append(
            f"<li><span class='kind'>【{escape(row.get('kind', ''))}】</span>{escape(text)} "
            f"<span class='place'>{escape(row.get('place', ''))}</span>"
            f"{_source_line(cited.get(int(row.get('citation', 0))))}</li>"
        )
    return f"<ol class='measures'>{''.join(items)}</ol>"


def _category_block(category: str, rows: list[dict], locality: str | None, cited: dict[int, Citation]) -> str:
    local = [r for r in rows if r.get("scope", "local") == "local"]
    others = [r for r in rows if r.get("scope", "local") != "local"]
    parts = [f"<h3>{escape(CATEGORY_TITLES.get(category, category))}</h3>"]
    if local:
        parts.append(_measure_items(local, cited))
    elif locality:
        parts.append(f"<p>所载文件中没有适用于{escape(locality)}的此类措施。</p>")
    if others:
        where = f"不直接适用于{escape(locality)}，" if locality else ""
        parts.append(
            "<hr class='divider'><details class='others'>"
            f"<summary>其他地区文件中的同类措施（{len(others)} 条，{where}仅供参考）</summary>"
            f"{_measure_items(others, cited)}</details>"
        )
    return "".join(parts)


def _sources(citations: list[Citation], used: set[int]) -> str:
    items = "".join(
        f"<li id='source-{c.number}'>[{c.number}] 《{escape(c.title)}》{escape(c.doc_number)}"
        f" · {escape(c.section_path)}<span class='src'>（{escape(c.issuer)}{'，' if c.issuer else ''}"
        f"{escape(c.locality or '全国')}）</span><blockquote>{escape(c.quote)}</blockquote></li>"
        for c in citations
        if c.number in used
    )
    return f"<ol class='sources' style='list-style:none;padding-left:0'>{items}</ol>"


def _measures(sheet: MeasuresSheet) -> str:
    rows: list[dict] = sheet.answer.data.get("measures") or []
    if not rows:
        return ""
    cited = {c.number: c for c in sheet.answer.citations}
    locality = sheet.answer.data.get("locality") or sheet.locality
    categories = list(dict.fromkeys(r["category"] for r in rows))
    blocks = "".join(
        _category_block(c, [r for r in rows if r["category"] == c], locality, cited) for c in categories
    )
    local = {int(r["citation"]) for r in rows if r.get("scope", "local") == "local"}
    other = {int(r["citation"]) for r in rows} - local
    sources = f"<h2>政策出处</h2>{_sources(sheet.answer.citations, local)}" if local else ""
    if other:
        sources += (
            "<details class='others'><summary>其他地区文件的出处</summary>"
            f"{_sources(sheet.answer.citations, other)}</details>"
        )
    heading = "适用措施" + ("（本地文件在前）" if locality else "")
    return f"<h2>{heading}</h2>{blocks}{sources}"


def sheet_html(sheet: MeasuresSheet) -> str:
    """The whole sheet as one HTML document (no external resources)."""
    title = escape(sheet.title)
    meta = f"生成日期：{sheet.day:%Y年%m月%d日} · 知识库版本：{escape(sheet.corpus_version or '—')}"
    subject = _subject_table(sheet.subject) if sheet.subject is not None else ""
    note = (
        "<p class='note'>本清单由信用政策问答助手根据所载政策文件和主体信用记录生成，措施以文件原文为准；"
        "具体实施请以认定部门和实施部门的决定为准。</p>"
    )
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{title}</title><style>{SHEET_CSS}</style></head><body>"
        "<button class='print noprint' onclick='window.print()'>打印</button>"
        f"<h1>{title}</h1><p class='meta'>{meta}</p>"
        f"{subject}{_status(sheet)}{_measures(sheet)}{note}</body></html>"
    )
