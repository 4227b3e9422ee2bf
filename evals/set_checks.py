"""Checks a question set passes before it runs: the same ones the run applies later, so no run fails after the
work. Every question is askable (the assistant's own check: not blank, not over the length limit, no lone
surrogate); no cell holds a character the results workbook cannot store; a question type is a plain label
(it names chart bars and sheet cells)."""

from __future__ import annotations

import re
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # exactly what the results.xlsx export refuses

from assistant.errors import InvalidQuestion
from assistant.question_checks import check_question, has_lone_surrogate

TYPE_LABEL = re.compile(r"[\w\-]{1,40}")  # letters (Chinese too), digits, _ and -: no $, \ or braces
TYPE_REASON = "应为不超过40个字符的字母、数字、汉字、下划线或连字符（如 procedure）"


def _strings(value: Any) -> list[str]:
    """Every string inside a cell (dialog turns are lists of objects)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def cell_problems(row: dict[str, Any]) -> list[tuple[str, str]]:
    """(column, reason) for each cell holding a control character or a lone surrogate."""
    problems = []
    for column, value in row.items():
        texts = _strings(value)
        if any(ILLEGAL_CHARACTERS_RE.search(text) for text in texts):
            problems.append((str(column), "含有控制字符（结果无法写入 Excel），请删除后再上传"))
        elif any(has_lone_surrogate(text) for text in texts):
            problems.append((str(column), "含有无效字符（孤立的 UTF-16 代理码位）"))
    return problems


def question_problems(questions: list[tuple[str, str]], max_chars: int) -> list[tuple[str, str]]:
    """(column, reason) for each question the assistant would refuse to answer."""
    problems = []
    for column, question in questions:
        try:
            check_question(question, max_chars)
        except InvalidQuestion as exc:
            problems.append((column, exc.message))
    return problems


def type_problem(value: str) -> tuple[str, str] | None:
    return None if TYPE_LABEL.fullmatch(value) else ("type", TYPE_REASON)
