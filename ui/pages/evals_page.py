"""Evals page: load an eval run (metrics.json) and show metrics and charts."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st


def render() -> None:
    st.title("评测报告")
    uploaded = st.file_uploader("上传评测结果 metrics.json（credit-assistant eval run 生成）", type=["json"])
    folder = st.text_input("或输入评测输出目录", value="var/eval")
    data = None
    if uploaded is not None:
        data = json.loads(uploaded.getvalue().decode("utf-8"))
    elif (Path(folder) / "metrics.json").exists():
        data = json.loads((Path(folder) / "metrics.json").read_text("utf-8"))
    if data is None:
        st.info("尚无评测结果。运行 `credit-assistant eval run --set FILE --out DIR` 后在此查看。")
        return
    st.caption(
        f"运行时间 {data.get('run', {}).get('started_at', '')} · 语料 {data.get('run', {}).get('corpus_hash', '')}"
    )
    overall = data.get("overall", {})
    columns = st.columns(4)
    for column, key, label in zip(
        columns,
        ["routing_accuracy", "must_include", "refusal_accuracy", "citation_precision"],
        ["路由准确率", "要点覆盖", "拒答准确率", "引用精确率"],
        strict=True,
    ):
        value = overall.get(key)
        column.metric(label, "—" if value is None else f"{value:.3f}")
    retrieval = data.get("retrieval", {})
    if retrieval:
        st.subheader("检索（各方法对比）")
        st.bar_chart(
            {
                method: {k: v for k, v in m.items() if k.startswith(("recall", "mrr"))}
                for method, m in retrieval.items()
            }
        )
        st.dataframe(retrieval)
    if data.get("by_type"):
        st.subheader("按题型")
        st.dataframe(data["by_type"])
    if data.get("latency"):
        st.subheader("时延（秒）")
        st.json(data["latency"])
