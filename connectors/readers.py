"""Read tabular files (CSV, JSON Lines, XLSX) into row dicts, numbered as the user sees them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from corpus.loaders import LoaderError, decode_bytes

RowDicts = list[tuple[int, dict[str, object]]]


class ReadError(ValueError):
    """The file itself cannot be read (not a row-level problem)."""


def read_csv(data: bytes) -> RowDicts:
    try:
        text = decode_bytes(data)
    except LoaderError as exc:
        raise ReadError(str(exc)) from exc
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise ReadError("CSV 文件没有表头")
    rows: RowDicts = []
    for line_number, row in enumerate(reader, start=2):
        if None in row:
            row["__extra__"] = row.pop(None)  # type: ignore[call-overload]
        rows.append((line_number, dict(row)))
    return rows


def read_jsonl(data: bytes) -> RowDicts:
    rows: RowDicts = []
    for line_number, line in enumerate(data.decode("utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append((line_number, {"__error__": f"不是有效的 JSON：{exc.msg}"}))
            continue
        rows.append(
            (line_number, value if isinstance(value, dict) else {"__error__": "每行应为一个 JSON 对象"})
        )
    return rows


def read_xlsx(data: bytes) -> RowDicts:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise ReadError(f"无法读取 Excel 文件：{exc}") from exc
    if sheet is None:
        raise ReadError("Excel 文件没有工作表")
    rows_iter = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows_iter, ())]
    if not any(header):
        raise ReadError("Excel 文件第一行应为表头")
    rows: RowDicts = []
    for line_number, values in enumerate(rows_iter, start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append(
            (line_number, {h: ("" if v is None else v) for h, v in zip(header, values, strict=False) if h})
        )
    return rows


READERS = {".csv": read_csv, ".jsonl": read_jsonl, ".json": read_jsonl, ".xlsx": read_xlsx}


def read_rows(filename: str, data: bytes) -> RowDicts:
    reader = READERS.get(Path(filename).suffix.lower())
    if reader is None:
        raise ReadError(f"不支持的文件类型：{Path(filename).suffix or filename}（支持 CSV、JSONL、XLSX）")
    return reader(data)
