"""Read a Word (.docx) document as text in document order: headings, automatic numbering, tables.

Word keeps automatic numbering (`第一条`, `（一）`, `1.`) in numbering.xml, not in the paragraph text;
python-docx returns the text without it, so the numbers are rendered here from the level definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corpus.patterns import int_to_cn

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True, slots=True)
class Level:
    start: int
    fmt: str  # numFmt: decimal, chineseCounting, …
    text: str  # lvlText: `第%1条`, `（%1）`, `%1.`


@dataclass(slots=True)
class Numbering:
    """The numbering definitions of one document, and the counters reached so far."""

    levels: dict[str, dict[int, Level]] = field(default_factory=dict)  # numId → ilvl → Level
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    def label(self, num_id: str, ilvl: int) -> str:
        levels = self.levels.get(num_id, {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        text = levels[ilvl].text
        for level, definition in levels.items():
            value = counters.get(level, definition.start)
            text = text.replace(f"%{level + 1}", format_number(value, definition.fmt))
        return text


def format_number(value: int, fmt: str) -> str:
    if fmt in {"chineseCounting", "chineseCountingThousand", "japaneseCounting", "ideographTraditional"}:
        return int_to_cn(value)
    if fmt in {"lowerLetter", "upperLetter"}:
        letter = chr(ord("a") + (value - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    return str(value)


def _attr(element: Any, path: str) -> str | None:
    found = element.find(path)
    return None if found is None else found.get(f"{_W}val")


def read_numbering(document: Any) -> Numbering:
    """Level definitions per numId (an absent numbering part means no automatic numbering)."""
    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return Numbering()
    abstract: dict[str, dict[int, Level]] = {}
    for node in root.findall(f"{_W}abstractNum"):
        levels = {}
        for lvl in node.findall(f"{_W}lvl"):
            start = _attr(lvl, f"{_W}start") or "1"
            fmt = _attr(lvl, f"{_W}numFmt") or "decimal"
            levels[int(lvl.get(f"{_W}ilvl"))] = Level(int(start), fmt, _attr(lvl, f"{_W}lvlText") or "")
        abstract[node.get(f"{_W}abstractNumId")] = levels
    numbering = Numbering()
    for num in root.findall(f"{_W}num"):
        abstract_id = _attr(num, f"{_W}abstractNumId")
        numbering.levels[num.get(f"{_W}numId")] = abstract.get(abstract_id or "", {})
    return numbering


def _num_pr(paragraph: Any) -> tuple[str, int] | None:
    """(numId, ilvl) of a paragraph's own numbering or its style's."""
    for owner in (paragraph._p, getattr(paragraph.style, "element", None)):
        num_pr = None if owner is None else owner.find(f"{_W}pPr/{_W}numPr")
        num_id = None if num_pr is None else _attr(num_pr, f"{_W}numId")
        if num_pr is not None and num_id and num_id != "0":
            return num_id, int(_attr(num_pr, f"{_W}ilvl") or "0")
    return None


def paragraph_text(paragraph: Any, numbering: Numbering) -> str:
    """A paragraph's text with its number, and `#` marks for a Heading N style."""
    text = paragraph.text
    num_pr = _num_pr(paragraph)
    if num_pr and text.strip():
        label = numbering.label(*num_pr)
        text = f"{label}{' ' if label.endswith(('条', '章', '节')) else ''}{text}"
    style = paragraph.style.name if paragraph.style is not None else ""
    if style.startswith("Heading") and style[-1:].isdigit():
        text = "#" * int(style[-1]) + " " + text
    elif style == "Title":
        text = "# " + text
    return text


def table_text(table: Any) -> str:
    """Rows as tab-separated cells; a merged cell (repeated by python-docx) is written once, then left empty."""
    rows = []
    above: list[Any] = []
    for row in table.rows:
        tcs = [cell._tc for cell in row.cells]
        cells = [
            ""
            if (i and tc is tcs[i - 1]) or (i < len(above) and tc is above[i])
            else cell.text.replace("\n", " ")
            for i, (tc, cell) in enumerate(zip(tcs, row.cells, strict=True))
        ]
        rows.append("\t".join(cells))
        above = tcs
    return "\n".join(rows)


def docx_blocks(document: Any) -> list[str]:
    """The document's paragraphs and tables, in the order they appear."""
    numbering = read_numbering(document)
    blocks = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            blocks.append(table_text(block))
        else:
            blocks.append(paragraph_text(block, numbering))
    return blocks
