"""Load and validate question sets (JSON Lines, CSV, XLSX) before anything runs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from connectors.readers import LimitExceeded, ReadError, ReadLimits, read_rows
from evals.set_checks import cell_problems, question_problems, type_problem

ROUTES = ("policy_qa", "subject_status", "repair_steps", "applicable_measures")
SPLITS = ("tune", "check")  # an item without a split counts only in "all"
RouteName = Literal["policy_qa", "subject_status", "repair_steps", "applicable_measures"]
Split = Literal["tune", "check", "all"]
ALLOWED = {"route": "/".join(ROUTES), "split": "/".join(SPLITS) + "（或留空）"}


LIST_SEPARATORS = ("|", "；")  # list cells in CSV/XLSX: JSON arrays, or text split on these


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong with one row: the row number as the user sees it, the column and why (Chinese)."""

    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行：" if self.row is not None else ""
        return where + (f"{self.column} {self.reason}" if self.column else self.reason)


class DatasetError(Exception):
    """A question set that cannot be used; `errors` lists rows (Chinese), `problems` the same per column.

    `too_large`: the file is over a size limit (rows, columns, unzipped size), not wrong row by row."""

    def __init__(self, message: str, problems: list[RowProblem] | None = None, too_large: bool = False) -> None:
        super().__init__(message)
        self.message, self.problems, self.too_large = message, problems or [], too_large
        self.errors = _row_lines(self.problems)


def _row_lines(problems: list[RowProblem]) -> list[str]:
    """One line per row, its problems joined: `第3行：question 缺失；split 应为 …`."""
    by_row: dict[int | None, list[str]] = {}
    for p in problems:
        by_row.setdefault(p.row, []).append(f"{p.column} {p.reason}" if p.column else p.reason)
    return [(f"第{row}行：" if row is not None else "") + "；".join(parts) for row, parts in by_row.items()]


def _list(value: Any) -> Any:
    """CSV/XLSX cells hold lists as JSON (["a","b"]) or as `a|b` / `a；b`."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        if text.startswith("["):
            return _json_cell(text)
        for separator in LIST_SEPARATORS[1:]:
            text = text.replace(separator, LIST_SEPARATORS[0])
        return [part.strip() for part in text.split(LIST_SEPARATORS[0]) if part.strip()]
    return value if value is not None else []


def _text_id(value: Any) -> Any:
    """Excel stores 7 as a number; an id is text."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _json_cell(value: Any) -> Any:
    """CSV/XLSX cells hold structured values (dialog turns) as JSON text."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise PydanticCustomError("json_invalid", "not JSON") from exc


def _blank_subject(value: Any) -> Any:
    return None if value in ("", "null", "None") else value


def _blank_split(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "all"
    return value.strip() if isinstance(value, str) else value


class QAItem(BaseModel):
    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    type: str = "fact"
    docs: list[str] = Field(default_factory=list)
    gold_quotes: list[str] = Field(default_factory=list)
    answer: str = ""
    must_include: list[str] = Field(default_factory=list)
    split: Split = "all"

    _id = field_validator("id", mode="before")(lambda cls, v: _text_id(v))
    _lists = field_validator("docs", "gold_quotes", "must_include", mode="before")(lambda cls, v: _list(v))
    _split = field_validator("split", mode="before")(lambda cls, v: _blank_split(v))

    @property
    def unanswerable(self) -> bool:
        return self.type == "unanswerable"


class RouteItem(BaseModel):
    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    route: RouteName
    subject: str | None = None
    split: Split = "all"

    _id = field_validator("id", mode="before")(lambda cls, v: _text_id(v))
    _subject = field_validator("subject", mode="before")(lambda cls, v: _blank_subject(v))
    _split = field_validator("split", mode="before")(lambda cls, v: _blank_split(v))


class DialogTurn(BaseModel):
    """One user turn: a later turn's gold subject is the one carried over from context."""

    question: str = Field(min_length=1)
    route: RouteName
    subject: str | None = None

    _subject = field_validator("subject", mode="before")(lambda cls, v: _blank_subject(v))


class DialogItem(BaseModel):
    id: str = Field(min_length=1)
    turns: list[DialogTurn] = Field(min_length=1)
    split: Split = "all"

    _id = field_validator("id", mode="before")(lambda cls, v: _text_id(v))
    _turns = field_validator("turns", mode="before")(lambda cls, v: _json_cell(v))
    _split = field_validator("split", mode="before")(lambda cls, v: _blank_split(v))


Item = QAItem | RouteItem | DialogItem
MODELS: dict[str, type[QAItem] | type[RouteItem] | type[DialogItem]] = {
    "qa": QAItem,
    "routing": RouteItem,
    "dialog": DialogItem,
}


def detect_kind(rows: list[dict[str, Any]]) -> str:
    keys = set().union(*(r.keys() for r in rows)) if rows else set()
    if "turns" in keys:
        return "dialog"
    if "route" in keys:
        return "routing"
    if "gold_quotes" in keys or "must_include" in keys or "type" in keys:
        return "qa"
    raise DatasetError(
        "无法识别题集类型：问答题集需有 gold_quotes/must_include/type 列，路由题集需有 route 列，"
        "多轮对话题集需有 turns 列"
    )


def _field(loc: tuple[Any, ...]) -> str:
    """`turns.1.route` reads as `turns 第2轮 route` (turns are numbered from 1)."""
    parts = [str(p) for p in loc]
    if len(loc) >= 2 and loc[0] == "turns" and isinstance(loc[1], int):
        parts = [f"turns 第{loc[1] + 1}轮", *parts[2:]]
        return " ".join(parts)
    return ".".join(parts)


def _translate(error: Mapping[str, Any]) -> tuple[str, str]:
    """(column, Chinese reason) for one pydantic error."""
    loc = tuple(error["loc"])
    field = _field(loc)
    if error["type"] == "missing":
        return field, "缺失"
    if error["type"] == "literal_error":
        allowed = ALLOWED.get(str(loc[-1]) if loc else "", "/".join(ROUTES))
        return field, f"应为 {allowed}"
    if loc and loc[0] == "turns" and error["type"] in ("json_invalid", "list_type", "too_short"):
        return field, '应为非空 JSON 列表，如 [{"question": …, "route": …, "subject": …}]'
    if error["type"] == "model_type":
        return field, "应为对象（question/route/subject）"
    if error["type"] == "string_too_short":
        return field, "不能为空"
    if error["type"] == "json_invalid" or "JSON" in error.get("msg", ""):
        return field, "不是有效的列表"
    return field, "格式不正确"


def _validate_row(
    model: type[QAItem] | type[RouteItem] | type[DialogItem], row: dict[str, Any]
) -> Item | list[tuple[str, str]]:
    """One row as an item, or (column, reason) for each thing wrong with it."""
    try:
        return model.model_validate({k: v for k, v in row.items() if v is not None})
    except ValidationError as exc:
        return [_translate(e) for e in exc.errors()]


def _read(name: str, data: bytes, limits: ReadLimits) -> list[tuple[int, dict[str, Any]]]:
    try:
        return read_rows(name, data, limits)
    except LimitExceeded as exc:
        raise DatasetError(f"题集 {name} 过大：{exc}", too_large=True) from exc
    except ReadError as exc:
        raise DatasetError(f"无法读取题集 {name}：{exc}") from exc


def _item_problems(item: Item, max_question_chars: int) -> list[tuple[str, str]]:
    """What the run would trip over later: questions the assistant refuses, a type that is no plain label."""
    if isinstance(item, DialogItem):
        questions = [(f"turns 第{i}轮 question", turn.question) for i, turn in enumerate(item.turns, 1)]
    else:
        questions = [("question", item.question)]
    problems = question_problems(questions, max_question_chars)
    if isinstance(item, QAItem) and (wrong_type := type_problem(item.type)):
        problems.append(wrong_type)
    return problems


def load_set(
    path: Path, max_question_chars: int = 500, limits: ReadLimits = ReadLimits()
) -> tuple[str, list[Item]]:
    """(kind, items) — or DatasetError listing every bad row; nothing half-loaded."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"无法读取题集 {path.name}：{exc}") from exc
    return load_bytes(path.name, data, max_question_chars, limits)


def load_bytes(
    name: str, data: bytes, max_question_chars: int = 500, limits: ReadLimits = ReadLimits()
) -> tuple[str, list[Item]]:
    """An uploaded or stored set (the file name decides the format): (kind, items) or DatasetError.

    Every row passes the checks the run applies later (`evals.set_checks`), so a valid set never fails
    its run after the work."""
    rows = _read(name, data, limits)
    parsed = [(n, r) for n, r in rows if "__error__" not in r]
    problems = [RowProblem(n, "", str(r["__error__"])) for n, r in rows if "__error__" in r]
    if not parsed and not problems:
        raise DatasetError(f"题集 {name} 没有数据行")
    kind = detect_kind([r for _, r in parsed])
    items: list[Item] = []
    seen: set[str] = set()
    for number, row in parsed:
        problems += [RowProblem(number, column, reason) for column, reason in cell_problems(row)]
        item = _validate_row(MODELS[kind], row)
        if isinstance(item, list):
            problems += [RowProblem(number, column, reason) for column, reason in item]
            continue
        problems += [RowProblem(number, c, r) for c, r in _item_problems(item, max_question_chars)]
        if item.id in seen:
            problems.append(RowProblem(number, "id", f"“{item.id[:40]}” 重复"))
        seen.add(item.id)
        items.append(item)
    if problems:
        rows_wrong = len({p.row for p in problems})
        raise DatasetError(f"题集 {name} 有 {rows_wrong} 行错误，未开始评测", sorted(problems, key=_order))
    return kind, items


def _order(problem: RowProblem) -> int:
    return problem.row or 0
