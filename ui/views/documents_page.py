"""Documents page: browse the corpus by document and section tree."""

from __future__ import annotations

import streamlit as st

from ui.client import ApiClient, ApiError


def tree_lines(nodes: list[dict], depth: int = 0) -> list[str]:
    lines = []
    for node in nodes:
        lines.append("  " * depth + f"- {node['label']}")
        lines += tree_lines(node["children"], depth + 1)
    return lines


def render() -> None:
    st.title("政策文件")
    client = ApiClient()
    try:
        documents = client.get("/v1/documents")
    except ApiError as exc:
        st.error(exc.message)
        return
    st.dataframe(
        [
            {
                "文号": d["doc_number"],
                "标题": d["title"],
                "地区": d["locality"],
                "类型": d["kind"],
                "段落": d["passages"],
            }
            for d in documents
        ]
    )
    choice = st.selectbox(
        "查看文档",
        [d["doc_id"] for d in documents],
        format_func=lambda i: next(d["title"] for d in documents if d["doc_id"] == i),
    )
    detail = client.get(f"/v1/documents/{choice}")
    st.caption(
        f"{detail['issuer']} · {'、'.join(detail['doc_numbers'])} · {detail['date'] or detail['year']}"
    )
    left, right = st.columns([1, 2])
    with left:
        st.markdown("**章节结构**")
        st.markdown("\n".join(tree_lines(detail["sections"])))
    with right:
        sections = sorted({" > ".join(p["section_path"]) for p in detail["passage_list"]})
        section = st.selectbox("章节", ["全部", *sections])
        for passage in detail["passage_list"]:
            label = " > ".join(passage["section_path"])
            if section in ("全部", label):
                st.markdown(f"**{label or '（文首）'}**")
                st.write(passage["text"])
