"""One eval run on the 评测报告 page: metric cards, charts, and the per-question table with filters."""

from __future__ import annotations

import html
import re
from typing import Any

import streamlit as st

from evals.labels import (
    FAILURE_LABELS,
    KIND_LABELS,
    LATENCY_LABELS,
    ROUTE_LABELS,
    SPLIT_LABELS,
    TYPE_LABELS,
    method_label,
    metric_label,
    route_label,
)

CARDS = (
    "strict_pass",
    "must_include",
    "refusal_recall",
    "false_refusal_rate",
    "citation_precision",
    "routing_accuracy",
    "subject_accuracy",
    "dialog_both_accuracy",
)
SPLITS = ("tune", "check", "all")
BY_TYPE_KEYS = ("questions", "strict_pass", "must_include", "citation_precision", "refusal_accuracy",
                "hybrid_recall@5", "latency_p50", "latency_p95")  # fmt: skip
# Old runs stored reasons naming routes by their keys ("路由为 applicable_measures"): shown by their names.
ROUTE_KEY = re.compile("|".join(sorted(ROUTE_LABELS, key=len, reverse=True)))
PAGE_SIZE = 20
TABLE_CSS = """<style>
.evq{border-collapse:collapse;width:100%;font-size:0.85rem;table-layout:fixed}
.evq col.c1{width:5%}.evq col.c2{width:6%}.evq col.c3{width:8%}.evq col.c4{width:17%}
.evq col.c5{width:10%}.evq col.c6{width:34%}.evq col.c7{width:8%}.evq col.c8{width:12%}
.evq td{word-break:break-word}
.evq td.type{word-break:keep-all;white-space:nowrap}
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
    """A QA row's question type in Chinese; routing and dialog rows by their kind."""
    kind = row.get("type") or row.get("kind", "")
    return TYPE_LABELS.get(kind, KIND_LABELS.get(kind, kind))


def plain_reason(reason: str) -> str:
    return ROUTE_KEY.sub(lambda m: f"“{ROUTE_LABELS[m.group(0)]}”", reason)


def metric_cards(metrics: dict[str, Any]) -> None:
    """The headline numbers over all questions; the tune/check values and the metric's key in each card's help."""
    overall, splits = metrics.get("overall", {}), metrics.get("splits", {})
    present = [key for key in CARDS if overall.get(key) is not None]
    for start in range(0, len(present), 4):
        columns = st.columns(4)
        for column, key in zip(columns, present[start : start + 4], strict=False):
            halves = "；".join(
                f"{SPLIT_LABELS[split]} {fmt(splits.get(split, {}).get(key))}"
                for split in ("tune", "check")
                if splits.get(split, {}).get(key) is not None
            )
            column.metric(
                metric_label(key), fmt(overall[key]), help="；".join(filter(None, [halves, f"指标键：{key}"]))
            )


def _strings(table: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    return [{name: fmt(value) for name, value in row.items()} for row in table.values()]


def _type_charts(metrics: dict[str, Any]) -> None:
    by_type = metrics.get("strict_by_type", {})
    if by_type:
        st.subheader("按题型严格通过率（调优组 | 核验组 | 全部）")
        st.bar_chart(
            {
                SPLIT_LABELS[split]: {
                    TYPE_LABELS.get(kind, kind): (values.get(split, {}).get("strict_pass") or 0.0)
                    for kind, values in by_type.items()
                }
                for split in SPLITS
            },
            stack=False,
            x_label="题型",
            y_label="严格通过率",
        )
    if metrics.get("by_type"):
        st.subheader("按题型")
        rows = {
            kind: {
                "题型": TYPE_LABELS.get(kind, kind),
                **{metric_label(k): values.get(k) for k in BY_TYPE_KEYS},
            }
            for kind, values in metrics["by_type"].items()
        }
        st.dataframe(_strings(rows), hide_index=True)


def _retrieval_chart(metrics: dict[str, Any]) -> None:
    retrieval = metrics.get("retrieval", {})
    if not retrieval:
        return
    st.subheader("检索（各方法对比）")
    st.bar_chart(
        {
            method_label(method): {
                metric_label(k): v for k, v in values.items() if k.startswith(("recall", "mrr"))
            }
            for method, values in retrieval.items()
        },
        stack=False,
        x_label="指标",
        y_label="数值",
    )


def _routing_and_latency(metrics: dict[str, Any]) -> None:
    if metrics.get("routing", {}).get("questions"):
        st.subheader("路由混淆矩阵（行：标注，列：预测）")
        confusion = metrics["routing"]["confusion"]
        st.dataframe(
            [
                {"标注": route_label(gold), **{route_label(p): n for p, n in row.items()}}
                for gold, row in confusion.items()
            ],
            hide_index=True,
        )
    latency = {name: values for name, values in metrics.get("latency", {}).items() if values}
    if latency:
        st.subheader("时延（秒）")
        rows = {
            name: {"题型": LATENCY_LABELS.get(name, name), **{metric_label(k): v for k, v in values.items()}}
            for name, values in latency.items()
        }
        st.dataframe(_strings(rows), hide_index=True)


def charts(metrics: dict[str, Any]) -> None:
    """Strict pass by type and split, retrieval by method, per-type table, routing and latency — all in Chinese."""
    _type_charts(metrics)
    _retrieval_chart(metrics)
    _routing_and_latency(metrics)


def _sources(row: dict[str, Any]) -> str:
    return "".join(
        f"<div class='src'>[{s.get('number', '')}] 《{html.escape(s.get('title', ''))}》"
        f"{html.escape(s.get('doc_number', ''))} · {html.escape(s.get('section_path', ''))}</div>"
        for s in row.get("sources") or []
    )


def _route(row: dict[str, Any]) -> str:
    route = row.get("route", "")
    text = html.escape(route_label(route))
    if row.get("gold_route") and row["gold_route"] != route:
        text += f"<br><span class='why'>应为 {html.escape(route_label(row['gold_route']))}</span>"
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
    kind = str(row.get("type") or row.get("kind") or "")
    return [
        verdict,
        html.escape(number),
        f"<span title='{html.escape(kind)}'>{html.escape(type_label(row))}</span>",
        html.escape(row.get("question", "")),
        html.escape(expected),
        f"<div class='ans'>{answer}</div>{_sources(row)}",  # the whole answer: expected terms are never cut off
        _route(row),
        "<br>".join(
            f"<span class='why'>{html.escape(plain_reason(r))}</span>" for r in row.get("reasons") or []
        ),
    ]


CELL_CLASSES = ("verdict", "number", "type", "question", "expected", "answer", "route", "why")


def results_table(rows: list[dict[str, Any]]) -> None:
    header = ["结果", "题号", "题型", "问题", "期望要点", "回答（含引用）", "路由", "未通过原因"]
    body = "".join(
        f"<tr class='{'pass' if row.get('passed') else 'fail'}'>"
        + "".join(f"<td class='{name}'>{c}</td>" for name, c in zip(CELL_CLASSES, _cells(row), strict=True))
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
