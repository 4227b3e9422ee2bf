"""The knowledge base opened at a cited article: /documents?doc=<doc id>&at=<passage id>[&q=<sentence>] (a
citation's link; q is the supporting sentence, marked in the article).

The page shows that article first — document, 文号, its section path and text — selects the document below and
narrows its passage list to the article's section.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.citation_view import marked_html
from ui.client import ApiClient, ApiError

APPLIED = "document_focus_applied"


def wanted() -> tuple[str, str | None] | None:
    doc_id = st.query_params.get("doc")
    return (doc_id, st.query_params.get("at")) if doc_id else None


def passage_of(detail: dict[str, Any], passage_id: str | None) -> dict[str, Any] | None:
    return next((p for p in detail.get("passage_list", []) if p.get("passage_id") == passage_id), None)


def focus(client: ApiClient, selected_key: str) -> None:
    """Show the cited article of the address's document at the top, once select that document (the page's
    `selected_key`) and its article's section; nothing when the address names none."""
    target = wanted()
    if target is None:
        return
    doc_id, passage_id = target
    try:
        detail = client.get(f"/v1/documents/{doc_id}")
    except ApiError as exc:
        st.warning(f"无法打开引用的文档：{exc.message}")
        return
    passage = passage_of(detail, passage_id)
    if st.session_state.get(APPLIED) != target:  # the reader may choose other documents afterwards
        st.session_state[APPLIED] = target
        st.session_state[selected_key] = doc_id
        if passage is not None:
            st.session_state[f"section-{doc_id}"] = passage["section"]
    number = f" {detail['doc_number']}" if detail.get("doc_number") else ""
    with st.container(border=True):
        st.markdown(f"**引用的条文** · 《{detail['title']}》{number}")
        if passage is None:
            st.caption("未找到所引用的段落（文档可能已更新），下方为该文档全文。")
            return
        st.markdown(f"**{passage['section']}**")
        st.markdown(marked_html(passage["text"], st.query_params.get("q", "")), unsafe_allow_html=True)
