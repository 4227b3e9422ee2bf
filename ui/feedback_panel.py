"""For evaluators (and admins): how much feedback came in, and the 👎 items exported as a QA set in one click.

`render_feedback_export(client)` draws the section where it is called (the chat page's sidebar calls it inside
`with st.sidebar:`; the evals page may call it too). The file is the API's /v1/feedback/export.jsonl, a set that
`credit-assistant eval run --set` and the evals page accept as it is.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ui.client import ApiClient, ApiError

EVALUATOR_ROLES = ("admin", "evaluator")


def exportable(item: dict) -> bool:
    return item["rating"] == "down" and bool(item.get("expected_answer") or item.get("unanswerable"))


def render_feedback_export(client: ApiClient) -> None:
    st.markdown("**用户反馈**")
    try:
        down = client.get("/v1/feedback", rating="down", limit=1000)
        up = client.get("/v1/feedback", rating="up", limit=1000)
    except ApiError as exc:
        st.caption(f"无法读取反馈：{exc.message}")
        return
    ready = sum(exportable(item) for item in down)
    st.caption(
        f":material/thumb_up: {len(up)} 条 · :material/thumb_down: {len(down)} 条，"
        f"其中 {ready} 条有期望答案或标明应拒答，可导出为评测题。"
    )
    st.download_button(
        "导出为评测集",
        data=lambda: client.download("/v1/feedback/export.jsonl"),
        file_name=f"feedback-qa-{dt.date.today():%Y%m%d}.jsonl",
        mime="application/x-ndjson",
        icon=":material/download:",
        disabled=ready == 0,
        on_click="ignore",
        help="JSONL 问答题集（id、question、type、must_include、answerable、split…），可直接上传到评测报告页",
    )
