"""Document metadata by rules: issuer, 文号, title, date, locality and kind."""

from __future__ import annotations

import itertools
import re

from corpus.models import Locality, Paragraph
from corpus.patterns import ATTACHMENT_HEADING, CN_DATE, DOC_NUMBER
from corpus.places import resolve

# Most specific first: the kind of the document body, read from its title.
KIND_MARKERS = ("任务清单", "解读", "实施意见", "实施方案", "指导意见", "管理办法", "通知")
# Kinds of laws, regulations and rules: the title ends with one (`企业信息公示暂行条例` → 条例).
STATUTE_KINDS = ("实施细则", "细则", "条例", "规定", "办法", "规则", "决定", "解释", "法")
NOTICE_KINDS = ("意见", "方案", "规划", "计划", "公告", "通告", "通报", "批复", "函")
_STATUS_SUFFIX = re.compile(r"[（(][^（）()]{1,12}[）)]$")  # （试行）, （2018年修正）
LEVELS = ("法律", "行政法规", "地方性法规", "部门规章", "地方政府规章", "司法解释", "规范性文件")
_ISSUER_LINE = re.compile(r"^(.{4,40}?)\s*文件$")


def find_locality(text: str) -> Locality:
    """The locality of the first place `text` names, from the national table (`corpus.places`)."""
    return resolve(text)


_CITING_WORDS = re.compile(r"^(根据|按照|依据|依照|参照|落实|贯彻|印发|转发|执行|和|及|与)+")


def normalise_doc_number(text: str) -> str:
    text = _CITING_WORDS.sub("", re.sub(r"\s+", "", text))
    return re.sub(r"[\[［【(（](\d{4})[\]］】)）]", r"〔\1〕", text)


def standalone_doc_numbers(paragraphs: list[Paragraph]) -> tuple[str, ...]:
    """文号 that stand alone on a line: the document's own numbers (others are citations)."""
    found = []
    for p in paragraphs:
        match = DOC_NUMBER.fullmatch(p.text.strip())
        if match:
            found.append(normalise_doc_number(match.group(0)))
    return tuple(dict.fromkeys(found))


def cited_doc_numbers(raw: str, own: tuple[str, ...]) -> tuple[str, ...]:
    found = (normalise_doc_number(m.group(0)) for m in DOC_NUMBER.finditer(raw))
    return tuple(dict.fromkeys(n for n in found if n not in own))


def find_issuer(paragraphs: list[Paragraph]) -> str:
    for p in paragraphs[:5]:
        match = _ISSUER_LINE.match(p.text.strip())
        if match:
            return match.group(1).strip()
    return ""


def find_title(paragraphs: list[Paragraph]) -> str:
    """The first paragraph after the 文号 line that reads as a title (关于…/…方案/…意见)."""
    seen_number = False
    for p in paragraphs[:12]:
        text = p.text.replace("\n", "")
        if DOC_NUMBER.fullmatch(text.strip()):
            seen_number = True
            continue
        if seen_number and ("关于" in text or text.endswith(KIND_MARKERS)) and len(text) < 160:
            return re.sub(r"\s+", "", text)
    return re.sub(r"\s+", "", paragraphs[0].text.replace("\n", "")) if paragraphs else ""


def find_recipients(paragraphs: list[Paragraph], head: int = 12) -> str:
    """主送单位: the first short line of the head that ends with a colon ("县信用体系建设领导小组各成员单位：")."""
    for p in paragraphs[:head]:
        text = p.text.replace("\n", "").strip()
        if text.endswith(("：", ":")) and 4 <= len(text) <= 120 and not ATTACHMENT_HEADING.match(text):
            return text.rstrip("：:").strip()
    return ""


def find_date(paragraphs: list[Paragraph]) -> str | None:
    """The first date that stands alone (a signature date), as YYYY-MM-DD."""
    for p in paragraphs:
        match = CN_DATE.fullmatch(p.text.strip().removesuffix("印发"))
        if match:
            year, month, day = (int(g) for g in match.groups())
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def doc_number_year(numbers: tuple[str, ...]) -> int | None:
    match = re.search(r"〔(\d{4})〕", numbers[0]) if numbers else None
    return int(match.group(1)) if match else None


def find_kind(title: str) -> str:
    """What the title names: the kind of what a 通知 issues or forwards (《…实施方案》的通知 → 实施方案)."""
    inner = re.findall(r"《([^》]+)》", title)
    for text in [*inner, title]:
        text = _STATUS_SUFFIX.sub("", text)  # `…办法（试行）` is a 办法
        for marker in KIND_MARKERS[:-1]:
            if text.endswith(marker) or marker in text:
                return "办法" if marker == "管理办法" else marker
        for marker in (*STATUTE_KINDS, *NOTICE_KINDS):
            if text.endswith(marker):
                return "细则" if marker == "实施细则" else marker
    return "通知" if "通知" in title else ""


def find_level(kind: str, issuer: str, doc_numbers: tuple[str, ...], adopted: bool) -> str:
    """法律、行政法规、地方性法规、部门规章、地方政府规章、司法解释 or 规范性文件, from who made it and how."""
    statute = kind in STATUTE_KINDS or kind == "细则"
    if issuer.startswith(("最高人民法院", "最高人民检察院")) and kind in ("解释", "规定", "决定"):
        return "司法解释"
    if statute and "全国人民代表大会" in issuer:
        return "法律"
    if statute and "人民代表大会" in issuer and adopted:
        return "地方性法规"
    orders = [n for n in doc_numbers if re.search(r"令第", n)]
    if statute and (
        issuer.endswith("国务院") or any(n.startswith(("国务院", "中华人民共和国国务院")) for n in orders)
    ):
        return "行政法规"
    if statute and orders:
        return "地方政府规章" if "人民政府" in issuer else "部门规章"
    if doc_numbers or kind in (*KIND_MARKERS, *NOTICE_KINDS):
        return "规范性文件"
    return ""


def attachment_kinds(paragraphs: list[Paragraph]) -> tuple[str, ...]:
    """Kinds of the attachments: the title after each `附件N:` line names it."""
    kinds: list[str] = []
    for current, following in itertools.pairwise(paragraphs):
        if ATTACHMENT_HEADING.match(current.text):
            title = following.text.replace("\n", "")
            kinds.extend(m for m in ("任务清单", "解读") if m in title and m not in kinds)
    return tuple(kinds)
