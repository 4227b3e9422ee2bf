"""Question-set templates (CSV and XLSX) and what each column means — the format `evals.datasets` loads.

The example rows are made up for the template (never taken from a development set); a template downloaded as is
passes `load_bytes` and runs.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Font

from evals.datasets import LIST_SEPARATORS, ROUTES, SPLITS
from evals.labels import ROUTE_LABELS, TYPE_LABELS

Kind = Literal["qa", "routing", "dialog"]
KINDS: tuple[Kind, ...] = ("qa", "routing", "dialog")
KIND_NAMES = {"qa": "问答题集", "routing": "路由题集", "dialog": "多轮对话题集"}
LISTS = f"可写 JSON 数组，或用 {' 或 '.join(LIST_SEPARATORS)} 分隔"
SPLIT_TEXT = f"{'/'.join(SPLITS)}（调优组/核验组），可留空（只计入“全部”）"
ROUTE_TEXT = "、".join(f"{r}（{ROUTE_LABELS[r]}）" for r in ROUTES)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    required: bool
    meaning: str


COLUMNS: dict[Kind, tuple[Column, ...]] = {
    "qa": (
        Column("id", True, "题号，在题集中唯一"),
        Column("question", True, "问题原文"),
        Column(
            "type",
            False,
            "题型，默认 fact；常用：" + "、".join(f"{k}（{v}）" for k, v in TYPE_LABELS.items()),
        ),
        Column("must_include", False, f"回答必须包含的要点（{LISTS}）；题型为 unanswerable 时留空"),
        Column("gold_quotes", False, f"能回答该题的原文句子，用于计算检索命中率和引用精确率（{LISTS}）"),
        Column("docs", False, f"期望引用的文件编号，仅供参考（{LISTS}）"),
        Column("answer", False, "参考答案，仅供阅读，不参与评分"),
        Column("split", False, SPLIT_TEXT),
    ),
    "routing": (
        Column("id", True, "题号，在题集中唯一"),
        Column("question", True, "问题原文"),
        Column("route", True, "应走的路由：" + ROUTE_TEXT),
        Column("subject", False, "问题所指的主体（名称或统一社会信用代码，照问题原文写）；没有则留空"),
        Column("split", False, SPLIT_TEXT),
    ),
    "dialog": (
        Column("id", True, "对话编号，在题集中唯一"),
        Column(
            "turns",
            True,
            '各轮提问，JSON 数组：[{"question": "…", "route": "…", "subject": "…"}]；'
            "后续轮次的 subject 写沿用上文的主体",
        ),
        Column("split", False, SPLIT_TEXT),
    ),
}
EXAMPLES: dict[Kind, list[dict[str, str]]] = {
    "qa": [
        {
            "id": "T1",
            "question": "失信主体可以通过哪些方式开展信用修复？",
            "type": "list",
            "must_include": "信用承诺|信用整改",
            "gold_quotes": "",
            "docs": "",
            "answer": "",
            "split": "tune",
        },
        {
            "id": "T2",
            "question": "在海底设立信用服务窗口需要几名潜水员？",
            "type": "unanswerable",
            "must_include": "",
            "gold_quotes": "",
            "docs": "",
            "answer": "",
            "split": "check",
        },
    ],
    "routing": [
        {
            "id": "R1",
            "question": "信用修复一般需要准备哪些材料？",
            "route": "policy_qa",
            "subject": "",
            "split": "",
        },
    ],
    "dialog": [
        {
            "id": "D1",
            "turns": '[{"question": "什么是守信激励？", "route": "policy_qa", "subject": null}]',
            "split": "",
        },
    ],
}


def template_csv(kind: Kind) -> bytes:
    """The template as CSV (UTF-8 with BOM, so that Excel opens the Chinese text correctly)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[c.name for c in COLUMNS[kind]], lineterminator="\n")
    writer.writeheader()
    writer.writerows(EXAMPLES[kind])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(kind: Kind) -> bytes:
    """The template as XLSX: the set on the first sheet (the one that is read), the columns explained on a second."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = KIND_NAMES[kind]
    names = [c.name for c in COLUMNS[kind]]
    sheet.append(names)
    for row in EXAMPLES[kind]:
        sheet.append([row.get(name, "") for name in names])
    help_sheet = book.create_sheet("列说明")
    help_sheet.append(["列名", "是否必填", "说明"])
    for column in COLUMNS[kind]:
        help_sheet.append([column.name, "必填" if column.required else "选填", column.meaning])
    for cell in (*sheet[1], *help_sheet[1]):
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
