"""Transactional record import: every row is checked first; one bad row rejects the whole file.

Rows are upserted by natural key, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from connectors.models import Base, Commitment, Evaluation, ListEntry, Penalty, RepairApplication, Subject
from connectors.readers import ReadError, read_rows
from connectors.schemas import ROW_SCHEMAS, SubjectRef, SubjectRow, mask_person_id

MODELS: dict[str, type[Base]] = {
    "penalties": Penalty,
    "list_entries": ListEntry,
    "evaluations": Evaluation,
    "commitments": Commitment,
    "repairs": RepairApplication,
}
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "penalties": ("decision_number",),
    "list_entries": ("subject_id", "list_type", "date_in"),
    "evaluations": ("subject_id", "evaluator", "evaluated_on"),
    "commitments": ("subject_id", "kind", "committed_on"),
    "repairs": ("subject_id", "target", "applied_on"),
}
RECORD_TYPE_NAMES = {
    "subjects": "主体",
    "penalties": "行政处罚",
    "list_entries": "名单",
    "evaluations": "信用评价",
    "commitments": "信用承诺",
    "repairs": "信用修复申请",
}


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}：{self.reason}"


class ImportRejected(Exception):
    """The file was rejected whole; nothing was written."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []


@dataclass(slots=True)
class ImportResult:
    record_type: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


def infer_record_type(filename: str, rows: list[tuple[int, dict[str, Any]]]) -> str:
    stem = Path(filename).stem.lower()
    for record_type in ROW_SCHEMAS:
        if stem.startswith(record_type) or stem.startswith(record_type.rstrip("s")):
            return record_type
    declared = {str(r.get("record_type", "")).strip() for _, r in rows} - {""}
    if len(declared) == 1 and (value := declared.pop()) in ROW_SCHEMAS:
        return value
    raise ImportRejected("无法判断记录类型：请在文件名前缀或 record_type 列中注明 " + "、".join(ROW_SCHEMAS))


def _translate(error: Mapping[str, Any]) -> str:
    kind, message = error["type"], error["msg"]
    if kind == "missing":
        return "缺少必填项"
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    if kind.startswith("string_too_short"):
        return "不能为空"
    if kind.startswith(("decimal", "float", "int")):
        return "应为数字"
    if kind.startswith("date"):
        return "日期格式应为 YYYY-MM-DD"
    return message


def validate_rows(
    record_type: str, rows: list[tuple[int, dict[str, Any]]]
) -> tuple[list[SubjectRef], list[RowError]]:
    schema = ROW_SCHEMAS[record_type]
    valid: list[SubjectRef] = []
    errors: list[RowError] = []
    for row_number, raw in rows:
        if "__error__" in raw:
            errors.append(RowError(row_number, "-", str(raw["__error__"])))
            continue
        if "__extra__" in raw:
            errors.append(RowError(row_number, "-", "列数多于表头"))
            continue
        try:
            valid.append(schema.model_validate({k: v for k, v in raw.items() if k != "record_type"}))
        except ValidationError as exc:
            for error in exc.errors():
                column = ".".join(str(p) for p in error["loc"]) or "-"
                errors.append(RowError(row_number, column, _translate(error)))
    return valid, errors


def _upsert(session: Session, model: type[Base], key: dict[str, Any], values: dict[str, Any]) -> str:
    existing = session.scalar(select(model).filter_by(**key))
    if existing is None:
        session.add(model(**key, **values))
        return "inserted"
    changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
    for name, value in changed.items():
        setattr(existing, name, value)
    return "updated" if changed else "unchanged"


def _subject_values(row: SubjectRow) -> dict[str, Any]:
    return {
        "uscc": row.uscc,
        "person_id_masked": mask_person_id(row.person_id) if row.person_id and not row.uscc else None,
        "name": row.name,
        "kind": row.kind,
        "locality": row.locality,
        "industry": row.industry,
        "legal_representative": row.legal_representative,
    }


def _write(
    session: Session, record_type: str, valid: list[SubjectRef], numbers: list[int], result: ImportResult
) -> None:
    if record_type == "subjects":
        for row in valid:
            outcome = _upsert(session, Subject, {"subject_key": row.subject_key}, _subject_values(row))  # type: ignore[arg-type]
            setattr(result, outcome, getattr(result, outcome) + 1)
        return
    keys = {row.subject_key for row in valid}
    ids = dict(
        session.execute(select(Subject.subject_key, Subject.id).where(Subject.subject_key.in_(keys))).all()
    )
    missing = [
        RowError(n, "uscc", "未找到该主体，请先导入主体记录")
        for n, r in zip(numbers, valid, strict=True)
        if r.subject_key not in ids
    ]
    if missing:
        raise ImportRejected(f"{len(missing)} 行引用了不存在的主体，整个文件未导入", missing)
    model, key_fields = MODELS[record_type], NATURAL_KEYS[record_type]
    for row in valid:
        values = row.model_dump(exclude={"uscc", "person_id"})
        values["subject_id"] = ids[row.subject_key]
        key = {k: values.pop(k) for k in key_fields}
        outcome = _upsert(session, model, key, values)
        setattr(result, outcome, getattr(result, outcome) + 1)


def import_records(
    sessions: sessionmaker[Session], filename: str, data: bytes, record_type: str | None = None
) -> ImportResult:
    """Validate every row, then write all of them in one transaction, or none."""
    try:
        rows = read_rows(filename, data)
    except ReadError as exc:
        raise ImportRejected(str(exc)) from exc
    if not rows:
        raise ImportRejected("文件中没有数据行")
    record_type = record_type or infer_record_type(filename, rows)
    if record_type not in ROW_SCHEMAS:
        raise ImportRejected(f"未知的记录类型：{record_type}")
    valid, errors = validate_rows(record_type, rows)
    if errors:
        raise ImportRejected(f"{len({e.row for e in errors})} 行数据有误，整个文件未导入", errors)
    result = ImportResult(record_type=record_type, rows=len(valid))
    with sessions() as session, session.begin():
        _write(session, record_type, valid, [n for n, _ in rows], result)
    return result
