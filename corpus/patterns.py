"""Regular expressions shared by the corpus parsers (numbering, headings, 文号, dates)."""

from __future__ import annotations

import re

CN_NUM = "一二三四五六七八九十百零〇"
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


def numbering_level(text: str) -> int | None:
    """The numbering level (0 = `一、`) a line starts with, or None."""
    for level, pattern in enumerate(NUMBERING_LEVELS):
        if pattern.match(text):
            return level
    return None
