"""Subject page: search by name or code, status cards, record tables, repair plan timeline."""

from __future__ import annotations

import streamlit as st

from ui.client import ApiClient, ApiError
from ui.components import citations

STATUS_COLORS = {
    "可立即申请": "green",
    "待满最短公示期": "orange",
    "待履行": "red",
    "名单": "red",
    "公示期已满": "gray",
    "不公示": "gray",
    "已修复": "gray",
}


COLUMN_LABELS = {
    "decision_number": "决定书文号", "authority": "机关", "decision_date": "决定日期", "facts": "违法事实",
    "basis": "依据", "penalty_type": "处罚类型", "fine_amount": "罚款金额（元）", "severity": "失信程度",
    "procedure": "程序", "fulfilled_on": "履行日期", "list_type": "名单", "date_in": "列入日期",
    "reason": "原因", "date_out": "移出日期", "evaluator": "评价机构", "grade": "等级",
    "supervision_level": "监管分类", "evaluated_on": "评价日期", "kind": "承诺类型", "matter": "事项",
    "committed_on": "承诺日期", "status": "状态", "target": "修复对象", "applied_on": "申请日期", "decided_on": "办结日期",
}  # fmt: skip


def table(rows: list[dict]) -> None:
    if rows:
        st.dataframe([{COLUMN_LABELS.get(k, k): v for k, v in row.items()} for row in rows], hide_index=True)
    else:
        st.caption("无记录")


def looks_like_code(text: str) -> bool:
    compact = "".join(text.split())
    return len(compact) == 18 and compact.isalnum()


def pick_subject(client: ApiClient, query: str) -> str | None:
    if looks_like_code(query):
        return "".join(query.split()).upper()
    matches = client.get("/v1/subjects", name=query)
    if not matches:
        st.warning(f"未找到名称包含“{query}”的主体。")
        return None
    options = {f"{m['name']}（{m['identifier']}）": m["identifier"] for m in matches}
    return options[st.radio("请选择主体", list(options), key="subject_choice")]


def status_cards(records: dict) -> None:
    active = [e for e in records["lists"] if e["date_out"] is None]
    latest = max(records["evaluations"], key=lambda e: e["evaluated_on"], default=None)
    col1, col2, col3, col4 = st.columns(4)
    col1.metric("在列名单", len(active), help="、".join(e["list_type"] for e in active) or "无")
    col2.metric("行政处罚", len(records["penalties"]))
    col3.metric("未履行处罚", sum(p["fulfilled_on"] is None for p in records["penalties"]))
    col4.metric(
        "信用评价", latest["grade"] if latest else "—", help=latest["supervision_level"] if latest else None
    )


def render() -> None:
    st.title("主体信用查询")
    query = st.text_input(
        "企业名称或统一社会信用代码", placeholder="例如：朝阳市北方粮油贸易有限公司 或 91211300MAD044YF2G"
    )
    if not query.strip():
        return
    client = ApiClient()
    try:
        code = pick_subject(client, query.strip())
        if code is None:
            return
        records = client.get(f"/v1/subjects/{code}")
        plan = client.get(f"/v1/subjects/{code}/repair-plan")
    except ApiError as exc:
        st.error(exc.message)
        return
    subject = records["subject"]
    st.subheader(f"{subject['name']}")
    st.caption(f"{subject['identifier']} · {subject['kind']} · {subject['locality']} · {subject['industry']}")
    status_cards(records)
    tab_records, tab_plan = st.tabs(["信用记录", "修复方案"])
    with tab_records:
        for title, key in (
            ("行政处罚", "penalties"),
            ("名单", "lists"),
            ("信用评价", "evaluations"),
            ("信用承诺", "commitments"),
            ("信用修复申请", "repairs"),
        ):
            st.markdown(f"**{title}**")
            table(records[key])
    with tab_plan:
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
