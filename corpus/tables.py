"""Parse tab-separated task tables whose merged cells came out as empty leading columns.

Rows are numbered in the content column (`1.完善…`). Empty area/main-task cells are filled down;
a main-task cell without numbering continues the merged cell above it (a page break split it);
a row number seen twice (a page repeated its last row) is kept once; truncated main-task names
are completed from the document's own section headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.models import TableRow
from corpus.normalize import fold
from corpus.paragraphs import iter_lines
from corpus.patterns import ATTACHMENT_HEADING, numbering_level
from corpus.units import parse_units

_ROW_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.．、]")
HEADER_NAMES = ("任务事项", "主要任务", "具体任务内容", "责任单位")


@dataclass(slots=True)
class _Row:
    number: int
    area: str
    main: str
    content: str
    units: str
    start: int
    end: int


@dataclass(slots=True)
class TableParse:
    rows: list[TableRow] = field(default_factory=list)
    region: tuple[int, int] | None = None
    duplicates: list[int] = field(default_factory=list)


def find_table_region(raw: str) -> tuple[int, int] | None:
    """Span from a header line naming the task-table columns to the next attachment heading."""
    header = re.search(r"^任务事项\t主要任务\t具体任务内容\t责任单位[ \t]*$", raw, re.MULTILINE)
    if not header:
        return None
    end = len(raw)
    for line_start, line_end in iter_lines(raw, header.end() + 1):
        if ATTACHMENT_HEADING.match(raw[line_start:line_end]):
            end = line_start
            break
    return header.start(), end


def _cell_spans(raw: str, line_start: int, line_end: int) -> list[tuple[int, int]]:
    spans, pos = [], line_start
    for cell in raw[line_start:line_end].split("\t"):
        spans.append((pos, pos + len(cell)))
        pos += len(cell) + 1
    return spans


def complete_name(name: str, headings: list[str]) -> str:
    """A truncated or split cell completed from a unique heading it is the start of."""
    key = fold(name)
    matches = [h for h in headings if fold(h).startswith(key)]
    return matches[0] if len(matches) == 1 else name


def _raw_rows(raw: str, start: int, end: int, duplicates: list[int]) -> list[_Row]:
    rows: list[_Row] = []
    area = main = ""
    group_start = 0  # index of the first row under the current main-task cell
    for line_start, line_end in iter_lines(raw, start, end):
        spans = _cell_spans(raw, line_start, line_end)
        if len(spans) < 3:
            continue
        cells = [raw[s:e].strip() for s, e in spans] + [""] * (4 - len(spans))
        if cells[0] == HEADER_NAMES[0]:
            continue
        area = cells[0] or area
        if cells[1] and numbering_level(cells[1]) is None and rows:
            main = main + cells[1]
            for row in rows[group_start:]:
                row.main = main
        elif cells[1]:
            main, group_start = cells[1], len(rows)
        number = _ROW_NUMBER.match(cells[2])
        if number is None and rows:
            rows[-1].content += cells[2]
            rows[-1].end = spans[2][1]
            continue
        if number is None:
            continue
        row_number = int(number.group(1))
        if any(r.number == row_number for r in rows):
            duplicates.append(row_number)
            continue
        cell = raw[spans[2][0] : spans[2][1]]
        content_start = spans[2][0] + len(cell) - len(cell.lstrip())
        rows.append(
            _Row(row_number, area, main, cells[2], cells[3], content_start, content_start + len(cells[2]))
        )
    return rows


def parse_task_table(raw: str, headings: list[str], region: tuple[int, int] | None = None) -> TableParse:
    """Rows of the task table in `raw` (or in `region`), merged cells filled down and names completed."""
    region = region or find_table_region(raw)
    if region is None:
        return TableParse()
    duplicates: list[int] = []
    rows = [
        TableRow(
            row_number=row.number,
            task_area=complete_name(row.area, headings),
            main_task=complete_name(row.main, headings),
            content=row.content,
            units=parse_units(row.units),
            start=row.start,
            end=row.end,
        )
        for row in _raw_rows(raw, *region, duplicates)
    ]
    return TableParse(rows=rows, region=region, duplicates=duplicates)
