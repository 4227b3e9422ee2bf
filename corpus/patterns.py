"""Regular expressions shared by the corpus parsers (numbering, headings, 文号, dates)."""

from __future__ import annotations

import re

CN_NUM = "一二三四五六七八九十百零〇"
_CN_COUNT = "一二三四五六七八九十百千零〇两"
# Numbering levels of Chinese official documents, outermost first.
NUMBERING_LEVELS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"^[{CN_NUM}]+、"),  # 一、
    re.compile(rf"^[（(]\s*[{CN_NUM}]+\s*[）)]"),  # （一） / (一)
    re.compile(r"^\d{1,3}\s*[.．、](?!\d)"),  # 1. / 1．/ 1、
    re.compile(r"^[（(]\s*\d{1,3}\s*[）)]"),  # （1）
)
HEADING_START = re.compile("|".join(p.pattern for p in NUMBERING_LEVELS))
MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s*")
ATTACHMENT_HEADING = re.compile(r"^\s*附件\s*(\d+)\s*[:：]\s*$")
DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,10}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*\d{1,4}\s*号"
)
CN_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")

# Structure of laws and regulations: 编 > 分编 > 章 > 节 > 条 (款, 项 and 目 live inside an article).
# A division heading is short and has no sentence punctuation: `第一章 总则`, `第二节  信用修复`.
DIVISION_HEADING = re.compile(rf"^第([{_CN_COUNT}\d]+)(编|分编|章|节)(?:[\s\u3000]+(\S.{{0,30}}?))?\s*$")
DIVISION_LEVELS = {"编": 0, "分编": 1, "章": 2, "节": 3}
# An article starts a paragraph with its number and a space (or a bracketed caption): `第十八条 县级…`.
# A cross-reference (`第十八条规定的…`) has no space after the number, so it never starts an article.
ARTICLE_START = re.compile(rf"^第([{_CN_COUNT}\d]+)条(?:之([{_CN_COUNT}]+))?(?:[\s\u3000]+|(?=[【\[［])|$)")
# An article number without a space (`第一条为了…`): an article only where the numbering continues.
ARTICLE_NUMBER = re.compile(rf"^第([{_CN_COUNT}\d]+)条(?:之([{_CN_COUNT}]+))?")
# Any line that starts a structural unit of either family: no line break before it is an artefact.
STRUCTURE_START = re.compile(f"{HEADING_START.pattern}|{ARTICLE_START.pattern}|{DIVISION_HEADING.pattern}")


def division_label(match: re.Match[str]) -> str:
    """`第一章  总 则` → `第一章 总则`: how a division is cited."""
    head = match.group(0)[: match.end(2) - match.start(0)]
    title = re.sub(r"\s+", "", match.group(3) or "")
    return f"{head} {title}" if title else head


def numbering_level(text: str) -> int | None:
    """The numbering level (0 = `一、`) a line starts with, or None."""
    for level, pattern in enumerate(NUMBERING_LEVELS):
        if pattern.match(text):
            return level
    return None


_DIGITS = {ch: value for value, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(text: str) -> int:
    """`二十一` → 21, `一百零五` → 105, `12` → 12."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
    return total + digit


def int_to_cn(number: int) -> str:
    """21 → `二十一`, 10 → `十`, 105 → `一百零五` (the way articles and 款 are numbered)."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    if number < 100:
        return digits[number // 10] + "十" + (digits[number % 10] if number % 10 else "")
    rest = number % 100
    if rest == 0:
        return digits[number // 100] + "百"
    tail = "零" + digits[rest] if rest < 10 else ("一" if rest < 20 else "") + int_to_cn(rest)
    return digits[number // 100] + "百" + tail
