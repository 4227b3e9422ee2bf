"""One eval run on the 评测报告 page: metric cards, charts, and the per-question table with filters."""

from __future__ import annotations

import html
import re
from typing import Any

import streamlit as st

from ui.components import ROUTE_LABELS

CARDS = (
    ("strict_pass", "严格通过率"),
    ("must_include", "要点覆盖率"),
    ("refusal_recall", "拒答召回率"),
    ("false_refusal_rate", "误拒率"),
    ("citation_precision", "引用精确率"),
    ("routing_accuracy", "路由准确率"),
    ("subject_accuracy", "主体准确率"),
    ("dialog_both_accuracy", "对话逐轮全对"),
)
TYPE_LABELS = {
    "procedure": "办理流程",
    "fact": "事实",
    "list": "列举",
    "deadline_or_number": "期限与数字",
    "who_is_responsible": "责任单位",
    "doc_meta": "文件信息",
    "compare_localities": "地区对比",
    "multi_part": "多问",
    "unanswerable": "不可回答",
}
KIND_LABELS = {"qa": "问答题", "routing": "路由题", "dialog": "多轮对话"}
FAILURE_LABELS = {
    "missing_terms": "缺少要点",
    "refused": "误拒答",
    "not_refused": "应拒答未拒答",
    "wrong_route": "路由错误",
    "wrong_subject": "主体错误",
}
PAGE_SIZE = 20
TABLE_CSS = """<style>
.evq{border-collapse:collapse;width:100%;font-size:0.85rem;table-layout:fixed}
.evq col.c1{width:5%}.evq col.c2{width:6%}.evq col.c3{width:8%}.evq col.c4{width:17%}
.evq col.c5{width:10%}.evq col.c6{width:34%}.evq col.c7{width:8%}.evq col.c8{width:12%}
.evq td{word-break:break-word}
.evq .ans{max-height:13em;overflow-y:auto}
.evq th{background:#f0f2f6;text-align:left;padding:6px;position:sticky;top:0}
.evq td{border-top:1px solid #e6e6e6;padding:6px;vertical-align:top}
.evq tr.fail td{background:#fff5f5}
.evq .ok{color:#1a7f37;font-weight:600}.evq .bad{color:#cf222e;font-weight:600}
.evq .src{color:#57606a;font-size:0.78rem;margin-top:4px}
.evq .why{color:#cf222e}
</style>"""


def fmt(value: Any) -> str:
    return "—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def type_label(row: dict[str, Any]) -> str:
    """A QA row's question type; routing and dialog rows by their kind."""
    kind = row.get("type") or row.get("kind", "")
    return f"{kind}（{TYPE_LABELS[kind]}）" if kind in TYPE_LABELS else KIND_LABELS.get(kind, kind)


def metric_cards(metrics: dict[str, Any]) -> None:
    """The headline numbers over all questions; tune/check values in each card's help."""
    overall, splits = metrics.get("overall", {}), metrics.get("splits", {})
    present = [(key, name) for key, name in CARDS if overall.get(key) is not None]
    for start in range(0, len(present), 4):
        columns = st.columns(4)
        for column, (key, name) in zip(columns, present[start : start + 4], strict=False):
            halves = "；".join(
                f"{split} {fmt(splits.get(split, {}).get(key))}"
                for split in ("tune", "check")
                if splits.get(split, {}).get(key) is not None
            )
            column.metric(name, fmt(overall[key]), help=halves or None)


def charts(metrics: dict[str, Any]) -> None:
    """Strict pass by type and split, retrieval by method, per-type table and latency."""
    by_type = metrics.get("strict_by_type", {})
    if by_type:
        st.subheader("按题型严格通过率（tune | check | all）")
        st.bar_chart(
            {
                split: {
                    kind: (values.get(split, {}).get("strict_pass") or 0.0)
                    for kind, values in by_type.items()
                }
                for split in ("tune", "check", "all")
            },
            stack=False,
        )
    retrieval = metrics.get("retrieval", {})
    if retrieval:
        st.subheader("检索（各方法对比）")
        st.bar_chart(
            {
                method: {k: v for k, v in values.items() if k.startswith(("recall", "mrr"))}
                for method, values in retrieval.items()
            },
            stack=False,
        )
    if metrics.get("by_type"):
        st.subheader("按题型")
        st.dataframe(metrics["by_type"])
    if metrics.get("routing", {}).get("questions"):
        st.subheader("路由混淆矩阵（行：标注，列：预测）")
        st.dataframe(metrics["routing"]["confusion"])
    latency = {name: values for name, values in metrics.get("latency", {}).items() if values}
    if latency:
        st.subheader("时延（秒）")
        st.dataframe(latency)


def _sources(row: dict[str, Any]) -> str:
    return "".join(
        f"<div class='src'>[{s.get('number', '')}] 《{html.escape(s.get('title', ''))}》"
        f"{html.escape(s.get('doc_number', ''))} · {html.escape(s.get('section_path', ''))}</div>"
        for s in row.get("sources") or []
    )


def _route(row: dict[str, Any]) -> str:
    route = row.get("route", "")
    text = ROUTE_LABELS.get(route, (route, ""))[0]
    if row.get("gold_route") and row["gold_route"] != route:
        text += f"<br><span class='why'>应为 {html.escape(ROUTE_LABELS.get(row['gold_route'], (row['gold_route'], ''))[0])}</span>"
    if row.get("subject") or row.get("gold_subject"):
        text += f"<br>主体：{html.escape(str(row.get('subject') or '（无）'))}"
    return text


def _cells(row: dict[str, Any]) -> list[str]:
    verdict = "<span class='ok'>通过</span>" if row.get("passed") else "<span class='bad'>未通过</span>"
    number = (
        f"{row['dialog_id']} 第{row['turn']}轮" if row.get("kind") == "dialog" else str(row.get("id", ""))
    )
    expected = "、".join(row.get("expected") or []) or (
        "应拒答" if row.get("type") == "unanswerable" else (row.get("gold_subject") or "")
    )
    # answers are Markdown (**heading**): show the bold as bold, not as asterisks
    answer = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(row.get("answer", ""))).replace("\n", "<br>")
    if row.get("refused"):
        answer = "<b>〔拒答〕</b>" + answer
    return [
        verdict,
        html.escape(number),
        html.escape(type_label(row)),
        html.escape(row.get("question", "")),
        html.escape(expected),
        f"<div class='ans'>{answer}</div>{_sources(row)}",
        _route(row),
        "<br>".join(f"<span class='why'>{html.escape(r)}</span>" for r in row.get("reasons") or []),
    ]


def results_table(rows: list[dict[str, Any]]) -> None:
    header = ["结果", "题号", "题型", "问题", "期望要点", "回答（含引用）", "路由", "未通过原因"]
    body = "".join(
        f"<tr class='{'pass' if row.get('passed') else 'fail'}'>"
        + "".join(f"<td>{c}</td>" for c in _cells(row))
        + "</tr>"
        for row in rows
    )
    head = "".join(f"<th>{h}</th>" for h in header)
    columns = "".join(f"<col class='c{i}'>" for i in range(1, len(header) + 1))
    st.markdown(
        f"{TABLE_CSS}<table class='evq'><colgroup>{columns}</colgroup><tr>{head}</tr>{body}</table>",
        unsafe_allow_html=True,
    )


def filtered_rows(rows: list[dict[str, Any]], run_id: str) -> list[dict[str, Any]]:
    """Filters above the table: question type, pass/fail, and why it failed."""
    types = list(dict.fromkeys(type_label(r) for r in rows))
    failures = list(dict.fromkeys(code for r in rows for code in r.get("failures") or []))
    left, middle, right = st.columns([2, 2, 2])
    chosen_type = left.selectbox("题型", ["全部", *types], key=f"type-{run_id}")
    outcome = middle.radio("结果", ["全部", "未通过", "通过"], horizontal=True, key=f"outcome-{run_id}")
    reason = right.selectbox(
        "未通过原因", ["全部", *(FAILURE_LABELS.get(f, f) for f in failures)], key=f"reason-{run_id}"
    )
    codes = {FAILURE_LABELS.get(f, f): f for f in failures}
    return [
        r
        for r in rows
        if (chosen_type == "全部" or type_label(r) == chosen_type)
        and (outcome == "全部" or bool(r.get("passed")) == (outcome == "通过"))
        and (reason == "全部" or codes[reason] in (r.get("failures") or []))
    ]


def question_table(rows: list[dict[str, Any]], run_id: str) -> None:
    shown = filtered_rows(rows, run_id)
    passed = sum(1 for r in rows if r.get("passed"))
    st.caption(f"共 {len(rows)} 题（通过 {passed}，未通过 {len(rows) - passed}）；当前筛选 {len(shown)} 题")
    if not shown:
        st.info("没有符合筛选条件的题。")
        return
    pages = (len(shown) + PAGE_SIZE - 1) // PAGE_SIZE
    page = 1
    if pages > 1:
        page = int(st.number_input(f"页码（共 {pages} 页）", 1, pages, 1, key=f"page-{run_id}"))
    results_table(shown[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
