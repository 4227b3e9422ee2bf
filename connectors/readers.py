"""Read tabular files (CSV, JSON Lines, XLSX) into row dicts, numbered as the user sees them — within limits.

Every reader is bounded by `ReadLimits` (rows, columns, cell length; for XLSX also the unzipped size and the
compression ratio, checked from the zip directory before any XML is parsed), so a small hostile file cannot
make the reader work for minutes or take gigabytes. Messages are Chinese and never carry Python's own text.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.loaders import LoaderError, decode_bytes

RowDicts = list[tuple[int, dict[str, object]]]
RATIO_CHECKED_FROM = 1_000_000  # parts smaller than this unzipped are never a bomb, whatever their ratio


@dataclass(frozen=True, slots=True)
class ReadLimits:
    max_rows: int = 200_000
    max_columns: int = 100
    max_cell_chars: int = 20_000
    max_uncompressed_bytes: int = 100_000_000
    max_compression_ratio: float = 100.0


class ReadError(ValueError):
    """The file itself cannot be read (not a row-level problem)."""


class LimitExceeded(ReadError):
    """The file is larger than the limits allow (rows, columns, unzipped size): refused whole."""


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), otherwise the detected charset (GBK/GB18030 …); ReadError in Chinese."""
    try:
        return decode_bytes(data)
    except (LoaderError, UnicodeDecodeError, LookupError) as exc:
        reason = str(exc) if isinstance(exc, LoaderError) else "无法识别文件编码"
        raise ReadError(f"{reason}：请保存为 UTF-8 或 GBK 编码的文本文件") from exc


def _too_many_rows(limits: ReadLimits) -> LimitExceeded:
    return LimitExceeded(f"文件超过 {limits.max_rows} 行数据的上限，请拆分后上传")


def _too_many_columns(limits: ReadLimits) -> LimitExceeded:
    return LimitExceeded(f"表格超过 {limits.max_columns} 列的上限")


def _check_cell(value: object, row: int, limits: ReadLimits) -> None:
    if isinstance(value, str) and len(value) > limits.max_cell_chars:
        raise ReadError(
            f"第{row}行：单元格内容超过 {limits.max_cell_chars} 个字符的上限（{len(value)} 个字符）"
        )


def read_csv(data: bytes, limits: ReadLimits = ReadLimits()) -> RowDicts:
    reader = csv.DictReader(io.StringIO(decode_text(data)))
    try:
        fieldnames = reader.fieldnames
        if not fieldnames:
            raise ReadError("CSV 文件没有表头")
        if len(fieldnames) > limits.max_columns:
            raise _too_many_columns(limits)
        rows: RowDicts = []
        for line_number, row in enumerate(reader, start=2):
            if line_number > limits.max_rows + 1:
                raise _too_many_rows(limits)
            if None in row:
                row["__extra__"] = row.pop(None)  # type: ignore[call-overload]
            for value in row.values():
                _check_cell(value, line_number, limits)
            rows.append((line_number, dict(row)))
    except csv.Error as exc:
        raise ReadError(_csv_reason(exc, reader.line_num)) from exc
    return rows


def _csv_reason(exc: csv.Error, line: int) -> str:
    if "field larger than field limit" in str(exc):
        return f"第{line}行：单元格内容超过 {csv.field_size_limit()} 个字符的上限"
    return f"第{line}行：CSV 格式有误（引号不配对或含有空字符），无法读取"


def _json_row(line: str, line_number: int, limits: ReadLimits) -> dict[str, object]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"__error__": f"不是有效的 JSON（第{exc.colno}个字符附近）"}
    except RecursionError:
        return {"__error__": "JSON 嵌套层数过多"}
    if not isinstance(value, dict):
        return {"__error__": "每行应为一个 JSON 对象"}
    if len(value) > limits.max_columns:
        raise _too_many_columns(limits)
    for cell in value.values():
        nested = isinstance(cell, list | dict)
        _check_cell(json.dumps(cell, ensure_ascii=False) if nested else cell, line_number, limits)
    return value


def read_jsonl(data: bytes, limits: ReadLimits = ReadLimits()) -> RowDicts:
    rows: RowDicts = []
    for line_number, line in enumerate(decode_text(data).splitlines(), start=1):
        if not line.strip():
            continue
        if len(rows) >= limits.max_rows:
            raise _too_many_rows(limits)
        rows.append((line_number, _json_row(line, line_number, limits)))
    return rows


def check_archive(data: bytes, limits: ReadLimits) -> None:
    """Refuse a zip whose parts unzip to more than the limit, or any large part zipped suspiciously well.

    The sizes come from the zip directory; zipfile never unzips a part past its declared size (a part
    that claims less than it holds fails its CRC check), so they bound what openpyxl will read.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise ReadError("不是有效的 Excel 文件（.xlsx）：文件已损坏或格式不符") from exc
    total = sum(part.file_size for part in parts)
    if total > limits.max_uncompressed_bytes:
        raise LimitExceeded(
            f"Excel 文件解压后为 {total // 1_000_000} MB，超过 {limits.max_uncompressed_bytes // 1_000_000} MB 的上限"
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size >= RATIO_CHECKED_FROM and ratio > limits.max_compression_ratio:
            raise LimitExceeded(
                f"Excel 文件的压缩比异常（{part.filename} 解压后放大 {ratio:.0f} 倍，"
                f"上限 {limits.max_compression_ratio:.0f} 倍），疑似恶意文件，已拒绝"
            )


def _open_sheet(data: bytes) -> Any:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many types for a bad file; its text is not for users
        raise ReadError("无法读取 Excel 文件：文件已损坏，或不是 .xlsx 格式") from exc
    if sheet is None or not hasattr(sheet, "iter_rows"):
        raise ReadError("Excel 文件没有工作表")
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # a declared A1:XFD1048576 must not pad every row to 16,384 cells
    return sheet


def _xlsx_rows(sheet: Any, limits: ReadLimits) -> RowDicts:
    rows_iter = sheet.iter_rows(max_col=limits.max_columns + 1, values_only=True)
    first = list(next(rows_iter, ()))
    if len(first) > limits.max_columns and first[limits.max_columns] is not None:
        raise _too_many_columns(limits)
    header = [str(h).strip() if h is not None else "" for h in first[: limits.max_columns]]
    if not any(header):
        raise ReadError("Excel 文件第一行应为表头")
    rows: RowDicts = []
    for line_number, values in enumerate(rows_iter, start=2):
        if line_number > limits.max_rows + 1:
            raise _too_many_rows(limits)
        if len(values) > limits.max_columns and values[limits.max_columns] is not None:
            raise _too_many_columns(limits)
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        for value in values:
            _check_cell(value, line_number, limits)
        rows.append(
            (line_number, {h: ("" if v is None else v) for h, v in zip(header, values, strict=False) if h})
        )
    return rows


def read_xlsx(data: bytes, limits: ReadLimits = ReadLimits()) -> RowDicts:
    check_archive(data, limits)
    sheet = _open_sheet(data)
    try:
        return _xlsx_rows(sheet, limits)
    except ReadError:
        raise
    except Exception as exc:  # malformed sheet XML found while reading; openpyxl's text is not for users
        raise ReadError("无法读取 Excel 文件：工作表内容已损坏") from exc


READERS = {".csv": read_csv, ".jsonl": read_jsonl, ".json": read_jsonl, ".xlsx": read_xlsx}


def read_rows(filename: str, data: bytes, limits: ReadLimits = ReadLimits()) -> RowDicts:
    reader = READERS.get(Path(filename).suffix.lower())
    if reader is None:
        suffix = Path(filename).suffix[:20] or filename[:40]
        raise ReadError(f"不支持的文件类型：{suffix}（支持 CSV、JSONL、XLSX）")
    return reader(data, limits)
