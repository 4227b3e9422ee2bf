"""results.xlsx: one sheet row per question (or dialog turn) with its verdict, for reading in Excel.

Every text cell is written as text — one that begins with =, +, -, @, a tab or a carriage return is never a
formula (an uploaded question `=HYPERLINK(…)` or `=cmd|…` stays a string) and is quote-prefixed, so Excel also
keeps it text when the cell is edited.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

KIND_LABELS = {"qa": "问答", "routing": "路由", "dialog": "多轮对话"}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_as_text(cell: Any) -> None:
    """A string cell that a spreadsheet could read as a formula (or DDE call) becomes plain, quoted text."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl typed it "f" (formula) for a leading "="
        cell.quotePrefix = True


def _join(values: Any, separator: str = "；") -> str:
    return separator.join(str(v) for v in values or [])


def _sources(row: dict[str, Any]) -> str:
    return "\n".join(
        f"[{s.get('number', '')}] 《{s.get('title', '')}》{s.get('doc_number', '')} {s.get('section_path', '')}："
        f"{s.get('quote', '')}"
        for s in row.get("sources") or []
    )


def _question_id(row: dict[str, Any]) -> str:
    return f"{row['dialog_id']} 第{row['turn']}轮" if row.get("kind") == "dialog" else str(row.get("id", ""))


COLUMNS: list[tuple[str, Callable[[dict[str, Any]], Any], int]] = [
    ("题集", lambda r: r.get("set", ""), 18),
    ("类别", lambda r: KIND_LABELS.get(r.get("kind", ""), r.get("kind", "")), 8),
    ("题号", _question_id, 14),
    ("题型", lambda r: r.get("type", ""), 16),
    ("分组", lambda r: r.get("split", ""), 7),
    ("问题", lambda r: r.get("question", ""), 40),
    ("期望要点", lambda r: _join(r.get("expected")), 24),
    ("期望路由", lambda r: r.get("gold_route", "policy_qa" if r.get("kind") == "qa" else ""), 16),
    ("实际路由", lambda r: r.get("route", ""), 16),
    ("期望主体", lambda r: r.get("gold_subject") or "", 20),
    ("识别主体", lambda r: r.get("subject") or "", 20),
    ("回答", lambda r: r.get("answer", ""), 60),
    ("引用", _sources, 50),
    ("拒答", lambda r: "是" if r.get("refused") else "", 6),
    ("结果", lambda r: "通过" if r.get("passed") else "未通过", 8),
    ("未通过原因", lambda r: _join(r.get("reasons"), "\n"), 36),
    ("耗时（秒）", lambda r: round(float(r.get("seconds") or 0.0), 3), 10),
]


def results_workbook(rows: list[dict[str, Any]]) -> bytes:
    """The per-question results as an .xlsx file (header frozen, failures in red)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = "逐题结果"
    sheet.append([name for name, _, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    failed = PatternFill("solid", fgColor="FDE2E1")
    for row in rows:
        sheet.append([value(row) for _, value, _ in COLUMNS])
        for cell in sheet[sheet.max_row]:
            write_as_text(cell)
            if not row.get("passed"):
                cell.fill = failed
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, (_, _, width) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        for cell in sheet[get_column_letter(index)][1:]:
            cell.alignment = wrap
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_results_xlsx(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_bytes(results_workbook(rows))
