"""Two eval runs side by side: headline cards, metric deltas (B − A) and the questions that flipped."""

from __future__ import annotations

from typing import Any

import streamlit as st

from evals.labels import metric_label, route_label
from ui.client import ApiClient, ApiError
from ui.eval_results import CARDS, fmt, plain_reason, type_label

SIDE_CARDS_PER_ROW = 3


def run_label(run: dict[str, Any]) -> str:
    strict = run.get("headline", {}).get("strict_pass")
    routing = run.get("headline", {}).get("routing_accuracy")
    score = (
        f" · 严格通过 {strict:.3f}"
        if strict is not None
        else f" · 路由 {routing:.3f}"
        if routing is not None
        else ""
    )
    return f"{run['set_name']} · {run['created_at'][:16].replace('T', ' ')} · {run['id']}{score}"


def side(run: dict[str, Any], title: str) -> None:
    st.markdown(f"**{title}：{run['set_name']}**")
    versions = run.get("versions", {})
    retrieval = versions.get("retrieval", {})
    st.caption(
        f"{run['created_at'][:19].replace('T', ' ')} · {run['size']} 题 · 语料 {versions.get('corpus_hash', '—')} · "
        f"检索：向量权重 {retrieval.get('dense_weight', '—')}、返回条数 {retrieval.get('top_k', '—')}"
    )
    headline = run.get("headline", {})
    cards = [(key, metric_label(key)) for key in CARDS if headline.get(key) is not None]
    # Half a page holds three cards a row; five in one row cut every number to "0.9…".
    for start in range(0, len(cards), SIDE_CARDS_PER_ROW):
        row = cards[start : start + SIDE_CARDS_PER_ROW]
        for column, (key, name) in zip(st.columns(SIDE_CARDS_PER_ROW), row, strict=False):
            column.metric(name, fmt(headline[key]), help=f"指标键：{key}")


def delta_table(metrics: list[dict[str, Any]], changed_only: bool) -> None:
    rows = [
        {
            "指标": m["label"],
            "A": fmt(m["a"]),
            "B": fmt(m["b"]),
            "差值 B−A": "—" if m["delta"] is None else f"{m['delta']:+.3f}",
        }
        for m in metrics
        if not changed_only or (m["delta"] is not None and abs(m["delta"]) > 1e-9)
    ]
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.info("两次评测的指标没有差别。")


def flips(title: str, items: list[dict[str, Any]]) -> None:
    st.markdown(f"**{title}（{len(items)} 题）**")
    for item in items:
        with st.expander(f"{item['id']} · {type_label(item)} · {item['question']}"):
            if item.get("expected"):
                st.caption("期望要点：" + "、".join(item["expected"]))
            left, right = st.columns(2)
            for column, name in ((left, "a"), (right, "b")):
                state = item[name]
                verdict = ":green-badge[通过]" if state["passed"] else ":red-badge[未通过]"
                column.markdown(f"**{name.upper()}** {verdict} · 路由：{route_label(state.get('route'))}")
                column.markdown(state.get("answer") or "")
                for reason in state.get("reasons") or []:
                    column.caption("未通过原因：" + plain_reason(reason))


def render_compare(client: ApiClient, runs: list[dict[str, Any]]) -> None:
    finished = [r for r in runs if r["status"] == "done"]
    if len(finished) < 2:
        st.info("至少需要两次已完成的评测才能对比。")
        return
    labels = {run_label(r): r["id"] for r in finished}
    names = list(labels)
    left, right = st.columns(2)
    a = left.selectbox("评测 A（基准）", names, index=1, key="compare-a")
    b = right.selectbox("评测 B（对比）", names, index=0, key="compare-b")
    if labels[a] == labels[b]:
        st.warning("请选择两次不同的评测。")
        return
    try:
        result = client.get("/v1/evals/compare", a=labels[a], b=labels[b])
    except ApiError as exc:
        st.error(exc.message)
        return
    with left:
        side(result["a"], "A")
    with right:
        side(result["b"], "B")
    st.subheader("指标差值（B − A）")
    delta_table(result["metrics"], st.checkbox("只看有变化的指标", value=True, key="compare-changed"))
    st.subheader("结果翻转的题")
    st.caption(
        f"两次共有 {result['shared']} 题；仅 A 有 {result['only_a']} 题，仅 B 有 {result['only_b']} 题。"
    )
    flips("A 未通过 → B 通过", result["fixed"])
    flips("A 通过 → B 未通过", result["broken"])
