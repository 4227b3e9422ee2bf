"""Transactional record import: every row is checked first; one bad row rejects the whole file.

Rows are upserted by natural key, so importing the same file twice changes nothing. An import never damages
what is stored: a column the file does not have leaves the stored value alone (a column present with an empty
cell clears it), a 决定书文号 stored under another subject is a row error, and so are two rows of one file
with the same natural key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from connectors.models import Base, Commitment, Evaluation, ListEntry, Penalty, RepairApplication, Subject
from connectors.person_ids import PersonKeys, mask_person_id
from connectors.readers import LimitExceeded, ReadError, ReadLimits, read_rows
from connectors.schemas import ROW_SCHEMAS, PenaltyRow, SubjectRef, SubjectRow

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
    """The file was rejected whole; nothing was written. `too_large`: a size limit, not a bad row."""

    def __init__(self, message: str, errors: list[RowError] | None = None, too_large: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        self.too_large = too_large


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
    """A pydantic error as a Chinese reason (pydantic's own English text is never passed on)."""
    kind, message = error["type"], error["msg"]
    if kind == "missing":
        return "缺少必填项"
    if kind == "value_error":
        return str(message).removeprefix("Value error, ")
    if kind.startswith("string_too_short"):
        return "不能为空"
    if kind.startswith("string_too_long"):
        return f"过长（最多{error.get('ctx', {}).get('max_length', '')}字）"
    if kind.startswith("string"):
        return "应为文本"
    if kind.startswith(("decimal", "float", "int")):
        return "应为数字"
    if kind.startswith("date"):
        return "日期格式应为 YYYY-MM-DD"
    return "格式不正确"


NumberedRow = tuple[int, SubjectRef]


def validate_rows(
    record_type: str, rows: list[tuple[int, dict[str, Any]]]
) -> tuple[list[NumberedRow], list[RowError]]:
    """Each row checked against its schema: (row number, row) for the good ones, errors for the rest."""
    schema = ROW_SCHEMAS[record_type]
    valid: list[NumberedRow] = []
    errors: list[RowError] = []
    for row_number, raw in rows:
        if "__error__" in raw:
            errors.append(RowError(row_number, "-", str(raw["__error__"])))
            continue
        if "__extra__" in raw:
            errors.append(RowError(row_number, "-", "列数多于表头"))
            continue
        try:
            valid.append(
                (row_number, schema.model_validate({k: v for k, v in raw.items() if k != "record_type"}))
            )
        except ValidationError as exc:
            for error in exc.errors():
                column = ".".join(str(p) for p in error["loc"]) or "-"
                errors.append(RowError(row_number, column, _translate(error)))
    return valid, errors


def subject_key(row: SubjectRef, keys: PersonKeys) -> str:
    """统一社会信用代码, or the keyed hash of a natural person's ID number (the number is never stored)."""
    return row.uscc if row.uscc else keys.key(row.person_id or "")


def natural_key(record_type: str, row: SubjectRef, keys: PersonKeys) -> tuple[Any, ...]:
    """What identifies the record in the database, with the subject named by its key."""
    if record_type == "subjects":
        return (subject_key(row, keys),)
    return tuple(
        subject_key(row, keys) if k == "subject_id" else getattr(row, k) for k in NATURAL_KEYS[record_type]
    )


def duplicate_rows(record_type: str, valid: list[NumberedRow], keys: PersonKeys) -> list[RowError]:
    """Two rows of one file for the same record: the later one is an error (no silent last-wins)."""
    column = "、".join("uscc" if k == "subject_id" else k for k in NATURAL_KEYS.get(record_type, ("uscc",)))
    first: dict[tuple[Any, ...], int] = {}
    errors: list[RowError] = []
    for number, row in valid:
        key = natural_key(record_type, row, keys)
        if key in first:
            errors.append(RowError(number, column, f"与第{first[key]}行是同一条记录（重复）"))
        else:
            first[key] = number
    return errors


def _upsert(
    session: Session, model: type[Base], key: dict[str, Any], values: dict[str, Any], present: set[str]
) -> str:
    """Insert, or update only the columns the file has (`present`): a missing column keeps its value."""
    existing = session.scalar(select(model).filter_by(**key))
    if existing is None:
        session.add(model(**key, **values))
        return "inserted"
    changed = {k: v for k, v in values.items() if k in present and getattr(existing, k) != v}
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


def _count(result: ImportResult, outcome: str) -> None:
    setattr(result, outcome, getattr(result, outcome) + 1)


def _write_subjects(
    session: Session, valid: list[NumberedRow], keys: PersonKeys, result: ImportResult
) -> None:
    for _, row in valid:
        present = row.model_fields_set | {"uscc", "person_id_masked"}
        key = {"subject_key": subject_key(row, keys)}
        _count(result, _upsert(session, Subject, key, _subject_values(row), present))  # type: ignore[arg-type]


def _subject_ids(session: Session, valid: list[NumberedRow], keys: PersonKeys) -> dict[str, int]:
    """Subject id per key; ImportRejected naming every row whose subject is not stored."""
    wanted = {subject_key(row, keys) for _, row in valid}
    ids = dict(
        session.execute(select(Subject.subject_key, Subject.id).where(Subject.subject_key.in_(wanted))).all()
    )
    missing = [
        RowError(n, "uscc", "未找到该主体，请先导入主体记录")
        for n, r in valid
        if subject_key(r, keys) not in ids
    ]
    if missing:
        raise ImportRejected(f"{len(missing)} 行引用了不存在的主体，整个文件未导入", missing)
    return ids


def _penalties_of_others(
    session: Session, valid: list[NumberedRow], keys: PersonKeys, ids: dict[str, int]
) -> list[RowError]:
    """A 决定书文号 already stored under another subject: never moved silently to this file's subject."""
    rows = [(n, cast(PenaltyRow, row), ids[subject_key(row, keys)]) for n, row in valid]
    numbers = {row.decision_number for _, row, _ in rows}
    query = select(Penalty.decision_number, Penalty.subject_id).where(Penalty.decision_number.in_(numbers))
    stored = dict(session.execute(query).all())
    return [
        RowError(
            n, "decision_number", f"决定书文号“{row.decision_number}”已登记在另一主体名下，不能改到本行主体"
        )
        for n, row, subject_id in rows
        if stored.get(row.decision_number, subject_id) != subject_id
    ]


def _write(
    session: Session, record_type: str, valid: list[NumberedRow], keys: PersonKeys, result: ImportResult
) -> None:
    if record_type == "subjects":
        _write_subjects(session, valid, keys, result)
        return
    ids = _subject_ids(session, valid, keys)
    if record_type == "penalties" and (conflicts := _penalties_of_others(session, valid, keys, ids)):
        raise ImportRejected(f"{len(conflicts)} 行的决定书文号属于其他主体，整个文件未导入", conflicts)
    model, key_fields = MODELS[record_type], NATURAL_KEYS[record_type]
    for _, row in valid:
        values = row.model_dump(exclude={"uscc", "person_id"})
        values["subject_id"] = ids[subject_key(row, keys)]
        key = {k: values.pop(k) for k in key_fields}
        _count(result, _upsert(session, model, key, values, set(row.model_fields_set)))


def _read(filename: str, data: bytes, limits: ReadLimits) -> list[tuple[int, dict[str, Any]]]:
    try:
        rows = read_rows(filename, data, limits)
    except LimitExceeded as exc:
        raise ImportRejected(str(exc), too_large=True) from exc
    except ReadError as exc:
        raise ImportRejected(str(exc)) from exc
    if not rows:
        raise ImportRejected("文件中没有数据行")
    return rows


def import_records(
    sessions: sessionmaker[Session],
    filename: str,
    data: bytes,
    record_type: str | None = None,
    *,
    keys: PersonKeys,
    limits: ReadLimits = ReadLimits(),
) -> ImportResult:
    """Validate every row, then write all of them in one transaction, or none."""
    rows = _read(filename, data, limits)
    record_type = record_type or infer_record_type(filename, rows)
    if record_type not in ROW_SCHEMAS:
        raise ImportRejected(f"未知的记录类型：{record_type[:40]}")
    valid, errors = validate_rows(record_type, rows)
    errors += duplicate_rows(record_type, valid, keys)
    if errors:
        raise ImportRejected(
            f"{len({e.row for e in errors})} 行数据有误，整个文件未导入", sorted(errors, key=_row)
        )
    result = ImportResult(record_type=record_type, rows=len(valid))
    with sessions() as session, session.begin():
        _write(session, record_type, valid, keys, result)
    return result


def _row(error: RowError) -> int:
    return error.row
