"""Subject page: search by name or code, status cards, the grade explained, record tables, repair plan timeline."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from ui.client import ApiClient, ApiError
from ui.components import citations
from ui.subject_picker import pick_subject

STATUS_COLORS = {
    "可立即申请": "green",
    "待满最短公示期": "orange",
    "待履行": "red",
    "名单": "red",
    "公示期已满": "gray",
    "不公示": "gray",
    "已修复": "gray",
}
EMPTY = "—"
# Each record table: its columns in the order a clerk reads them (what decides the case first, long text last),
# and what an empty cell means there.
TABLES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("行政处罚", "penalties", (
        ("decision_number", "决定书文号"), ("decision_date", "决定日期"), ("severity", "失信程度"),
        ("penalty_type", "处罚类型"), ("fine_amount", "罚款金额（元）"), ("fulfilled_on", "履行日期"),
        ("authority", "处罚机关"), ("procedure", "程序"), ("facts", "违法事实"), ("basis", "依据"),
    )),
    ("名单", "lists", (
        ("list_type", "名单"), ("date_in", "列入日期"), ("date_out", "移出日期"), ("authority", "认定机关"),
        ("reason", "原因"),
    )),
    ("信用评价", "evaluations", (
        ("grade", "等级"), ("supervision_level", "监管分类"), ("evaluated_on", "评价日期"), ("evaluator", "评价机构"),
    )),
    ("信用承诺", "commitments", (
        ("kind", "承诺类型"), ("matter", "事项"), ("committed_on", "承诺日期"), ("status", "状态"),
    )),
    ("信用修复申请", "repairs", (
        ("target", "修复对象"), ("status", "状态"), ("applied_on", "申请日期"), ("decided_on", "办结日期"),
    )),
)  # fmt: skip
CITED = re.compile(r"\[(\d+)\]")
WHEN_EMPTY = {"fulfilled_on": "未履行", "date_out": "仍在名单中", "decided_on": "未办结"}


def cell(key: str, value: Any) -> str:
    if value is None or value == "":
        return WHEN_EMPTY.get(key, EMPTY)
    if key == "fine_amount" and isinstance(value, int | float):
        return f"{value:,.2f}"
    return str(value)


def table(rows: list[dict], columns: tuple[tuple[str, str], ...]) -> None:
    if not rows:
        st.caption("无记录")
        return
    st.table([{label: cell(key, row.get(key)) for key, label in columns} for row in rows])


def status_cards(records: dict) -> None:
    active = [e for e in records["lists"] if e["date_out"] is None]
    latest = max(records["evaluations"], key=lambda e: e["evaluated_on"], default=None)
    col1, col2, col3, col4 = st.columns(4)
    col1.metric("在列名单", len(active), help="、".join(e["list_type"] for e in active) or "无")
    col2.metric("行政处罚", len(records["penalties"]))
    col3.metric("未履行处罚", sum(p["fulfilled_on"] is None for p in records["penalties"]))
    col4.metric(
        "信用评价",
        latest["grade"] if latest else EMPTY,
        help=f"{latest['supervision_level']}（{latest['evaluated_on']}）" if latest else "无评价记录",
    )


def grade_explained(plan: dict) -> None:
    """A C or D grade: what it means, which records weigh on it and what improves it (cited)."""
    note = plan["data"].get("grade_note")
    if not note:
        return
    with st.container(border=True):
        st.markdown(f"**信用评价等级 {note['grade']}（{note['level']}）说明**")
        st.markdown("\n".join(note["lines"]))
        numbers = {int(n) for line in note["lines"] for n in CITED.findall(line)}
        citations([c for c in plan["citations"] if c["number"] in numbers], "出处")


def repair_plan(plan: dict) -> None:
    for item in plan["data"].get("items", []):
        color = STATUS_COLORS.get(item["status"], "gray")
        st.markdown(f":{color}-badge[{item['status']}] **{item['record']}**")
        dates = []
        if item.get("earliest_apply"):
            dates.append(f"最早可申请：{item['earliest_apply']}")
        if item.get("publication_ends"):
            dates.append(f"公示截止：{item['publication_ends']}")
        if dates:
            st.caption(" → ".join(dates) + f"（依据：{item['rule_source']}）")
    st.markdown(plan["text"])
    citations(plan["citations"])


def render() -> None:
    st.title("主体信用查询")
    client = ApiClient()
    code = pick_subject(client, "subject")
    if code is None:
        return
    try:
        records = client.get(f"/v1/subjects/{code}")
        plan = client.get(f"/v1/subjects/{code}/repair-plan")
    except ApiError as exc:
        st.error(exc.message)
        return
    subject = records["subject"]
    st.subheader(subject["name"])
    facts = [subject["identifier"], subject["kind"], subject["locality"], subject["industry"]]
    st.caption(" · ".join(part for part in facts if part))
    status_cards(records)
    grade_explained(plan)
    tab_records, tab_plan = st.tabs(["信用记录", "修复方案"])
    with tab_records:
        for title, key, columns in TABLES:
            st.markdown(f"**{title}**")
            table(records[key], columns)
    with tab_plan:
        repair_plan(plan)
