"""Load and validate question sets (JSON Lines, CSV, XLSX) before anything runs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from connectors.readers import ReadError, read_rows

ROUTES = ("policy_qa", "subject_status", "repair_steps", "applicable_measures")


class DatasetError(Exception):
    """A question set that cannot be used; `errors` lists rows (Chinese)."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.message, self.errors = message, errors or []


def _list(value: Any) -> Any:
    """CSV/XLSX cells hold lists as JSON (["a","b"]) or as `a|b`."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        if text.startswith("["):
            return json.loads(text)
        return [part.strip() for part in text.split("|") if part.strip()]
    return value if value is not None else []


class QAItem(BaseModel):
    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    type: str = "fact"
    docs: list[str] = Field(default_factory=list)
    gold_quotes: list[str] = Field(default_factory=list)
    answer: str = ""
    must_include: list[str] = Field(default_factory=list)

    _lists = field_validator("docs", "gold_quotes", "must_include", mode="before")(lambda cls, v: _list(v))

    @property
    def unanswerable(self) -> bool:
        return self.type == "unanswerable"


class RouteItem(BaseModel):
    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    route: Literal["policy_qa", "subject_status", "repair_steps", "applicable_measures"]
    subject: str | None = None

    @field_validator("subject", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if value in ("", "null", "None") else value


def detect_kind(rows: list[dict[str, Any]]) -> str:
    keys = set().union(*(r.keys() for r in rows)) if rows else set()
    if "route" in keys:
        return "routing"
    if "gold_quotes" in keys or "must_include" in keys or "type" in keys:
        return "qa"
    raise DatasetError(
        "无法识别题集类型：问答题集需有 gold_quotes/must_include/type 列，路由题集需有 route 列"
    )


def _translate(error: Mapping[str, Any]) -> str:
    field = ".".join(str(p) for p in error["loc"])
    if error["type"] == "missing":
        return f"{field} 缺失"
    if error["type"] == "literal_error":
        return f"{field} 应为 {'/'.join(ROUTES)}"
    if error["type"] == "json_invalid" or "JSON" in error.get("msg", ""):
        return f"{field} 不是有效的列表"
    return f"{field} 格式不正确"


def load_set(path: Path) -> tuple[str, list[QAItem] | list[RouteItem]]:
    """(kind, items) — or DatasetError listing every bad row; nothing half-loaded."""
    try:
        rows = read_rows(path.name, path.read_bytes())
    except (ReadError, OSError) as exc:
        raise DatasetError(f"无法读取题集 {path.name}：{exc}") from exc
    parsed = [(n, r) for n, r in rows if "__error__" not in r]
    errors = [f"第{n}行：{r['__error__']}" for n, r in rows if "__error__" in r]
    if not parsed and not errors:
        raise DatasetError(f"题集 {path.name} 没有数据行")
    kind = detect_kind([r for _, r in parsed])
    model = QAItem if kind == "qa" else RouteItem
    items = []
    seen: set[str] = set()
    for number, row in parsed:
        try:
            item = model.model_validate({k: v for k, v in row.items() if v is not None})
        except (ValidationError, json.JSONDecodeError) as exc:
            details = (
                [_translate(e) for e in exc.errors()]
                if isinstance(exc, ValidationError)
                else ["列表格式不正确"]
            )
            errors.append(f"第{number}行：" + "；".join(details))
            continue
        if item.id in seen:
            errors.append(f"第{number}行：id “{item.id}” 重复")
        seen.add(item.id)
        items.append(item)
    if errors:
        raise DatasetError(f"题集 {path.name} 有 {len(errors)} 处错误，未开始评测", errors)
    return kind, items  # type: ignore[return-value]
