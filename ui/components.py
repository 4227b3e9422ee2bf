"""Shared rendering: route badges and citations with the supporting sentence highlighted."""

from __future__ import annotations

import streamlit as st

ROUTE_LABELS = {
    "policy_qa": ("政策问答", "blue"),
    "subject_status": ("主体信用状况", "green"),
    "repair_steps": ("信用修复方案", "orange"),
    "applicable_measures": ("适用措施", "violet"),
    "chitchat": ("寒暄", "gray"),
    "out_of_scope": ("超出范围", "gray"),
}


def route_badge(route: str) -> None:
    label, color = ROUTE_LABELS.get(route, (route, "gray"))
    st.markdown(f":{color}-badge[{label}]")


def citations(items: list[dict], title: str = "出处", answer_text: str = "") -> None:
    """Document, 文号 and article path of each citation, its supporting sentence marked, a link into 知识库."""
    from ui.citation_view import render_citations

    render_citations(items, answer_text)


def answer_markdown(text: str) -> str:
    """The answer as Markdown that keeps its lines: the lead, each quote and each 依据 entry on a line of its own
    (Markdown would join single newlines into one paragraph); list items and headings stay as they are."""
    return "\n".join(
        line + "  " if line.strip() and not line.lstrip().startswith(("- ", "* ", "#", "|")) else line
        for line in text.split("\n")
    )


def answer_block(answer: dict) -> None:
    route_badge(answer["route"])
    st.markdown(answer_markdown(answer["text"]))
    if answer.get("candidates"):
        st.dataframe(
            [
                {"名称": c["name"], "代码": c["identifier"], "相似度": round(c["score"])}
                for c in answer["candidates"]
            ]
        )
    citations(answer.get("citations", []), answer_text=answer["text"])
    if answer.get("related"):
        st.caption("相关条文（供参考）")
        citations(answer["related"])
    if answer.get("records"):
        with st.expander(f"依据的主体记录（{len(answer['records'])}条）"):
            st.dataframe(
                [{"类型": r["kind"], "记录": r["label"], "说明": r["detail"]} for r in answer["records"]]
            )
