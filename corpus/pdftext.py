"""Repair a PDF text layer: compatibility code points folded, print headers and footers dropped, lines re-joined.

Browsers and some typesetters write CJK characters as Kangxi radicals or compatibility ideographs (⽤, ⼈, ⻔),
break lines wherever the page ends, and print a header (date, time, page title) and a footer (URL, `1/5`)
on every page. The text returned here is what the document says, one paragraph per block.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from corpus.patterns import ATTACHMENT_HEADING, CN_DATE, STRUCTURE_START

# Kangxi radicals, CJK compatibility ideographs: NFKC gives the unified ideograph.
_COMPATIBILITY = re.compile(r"[\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")
# CJK radicals supplement: simplified forms NFKC leaves alone, mapped to the characters they print as.
_RADICALS = str.maketrans(
    "⺠⻔⻅⻓⻝⻢⻋⻚⻛⻜⻘⻬⻰⻥⻦⻮⻩⻳⻉⻆⻄⻨⺟⻣⻤⻙⻧⻪⻡⻊⻗",
    "民门见长食马车页风飞青齐龙鱼鸟齿黄龟贝角西麦母骨鬼韦卤黾首足雨",
)
TERMINAL = set("。！？；：!?;:…”」』")  # a sentence ends; a closing bracket at a full line does not
_DATE_TIME = re.compile(r"^\d{2,4}[/.\-年]\d{1,2}[/.\-月]\d{1,4}日?\s*(上午|下午)?\s*\d{1,2}:\d{2}")
_URL = re.compile(r"^(https?://|file:/|www\.)\S*", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^(第\s*\d+\s*页.*|\d+\s*/\s*\d+|[-—–]\s*\d+\s*[-—–]|\d+)$")
_EDGE = 4  # lines at the top and at the bottom of a page (in extraction order) that may be print margins


def fold_compatibility(text: str) -> str:
    """`⽤⼈⺠` → `用人民`; every other character is left as it is (full-width punctuation stays)."""
    text = _COMPATIBILITY.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    return text.translate(_RADICALS)


def _is_print_margin(line: str) -> bool:
    """A date-time stamp, a URL or a page number, alone or followed by a page title or a page count."""
    stripped = line.strip()
    if _PAGE_NUMBER.match(stripped) or _URL.match(stripped) or _DATE_TIME.match(stripped):
        return True
    tail = stripped.rsplit(" ", 1)[-1]
    return bool(_URL.match(stripped.split(" ", 1)[0])) or bool(
        re.fullmatch(r"\d+\s*/\s*\d+", tail) and " " in stripped
    )


def _masked(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip())


def drop_margins(pages: list[list[str]]) -> list[list[str]]:
    """Pages without print headers and footers: stamps, URLs, page numbers, and edge lines every page repeats."""
    edges = Counter(_masked(line) for page in pages for line in {*page[:_EDGE], *page[-_EDGE:]})
    repeated = {text for text, count in edges.items() if len(pages) >= 2 and count >= max(2, len(pages) // 2)}
    kept = []
    for page in pages:
        lines = list(page)
        for index in [*range(min(_EDGE, len(lines))), *range(max(0, len(lines) - _EDGE), len(lines))]:
            if _is_print_margin(lines[index]) or _masked(lines[index]) in repeated:
                lines[index] = ""
        kept.append([line for line in lines if line.strip()])
    return kept


def _width(lines: list[str]) -> int:
    """A full line's length: what most long lines measure."""
    lengths = sorted(len(line) for line in lines)
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


def _continues(last_line: str, line: str, width: int) -> bool:
    """True when the break after `last_line` is only where the page ran out of width."""
    if STRUCTURE_START.match(line) or ATTACHMENT_HEADING.match(line) or CN_DATE.match(line):
        return False
    return last_line[-1] not in TERMINAL and len(last_line) >= width * 0.8


def join_lines(pages: list[list[str]]) -> str:
    """One paragraph per block (blank line between), lines broken by the page width re-joined."""
    lines = [line.strip() for page in pages for line in page if line.strip()]
    width = _width(lines)
    paragraphs: list[str] = []
    last_line = ""
    for line in lines:
        if paragraphs and _continues(last_line, line, width):
            glue = " " if last_line[-1].isascii() and line[0].isascii() else ""
            paragraphs[-1] += glue + line
        else:
            paragraphs.append(line)
        last_line = line
    return "\n\n".join(paragraphs)


def repair_pdf_text(pages: list[str]) -> str:
    """The text of a PDF's pages as the document reads."""
    split = [fold_compatibility(page).split("\n") for page in pages]
    return join_lines(drop_margins(split))
