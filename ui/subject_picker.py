"""Find a subject by name or 统一社会信用代码: every match counted and paged, nothing chosen until the user picks."""

from __future__ import annotations

import streamlit as st

from ui.client import ApiClient, ApiError

PAGE_SIZE = 10
PLACEHOLDER = "例如：朝阳市北方粮油贸易有限公司 或 91211300MAD044YF2G"


def looks_like_code(text: str) -> bool:
    compact = "".join(text.split())
    return len(compact) == 18 and compact.isalnum()


def _page(key: str, query: str) -> int:
    """The page shown for this query (back to the first when the query changes)."""
    if st.session_state.get(f"{key}-for") != query:
        st.session_state[f"{key}-for"] = query
        st.session_state[f"{key}-page"] = 0
    return int(st.session_state.get(f"{key}-page", 0))


def _pager(key: str, page: int, pages: int) -> None:
    if pages <= 1:
        return
    back, label, forward, _ = st.columns([1, 2, 1, 4])
    if back.button("上一页", key=f"{key}-back", disabled=page == 0):
        st.session_state[f"{key}-page"] = page - 1
        st.rerun()
    label.markdown(f"第 {page + 1} / {pages} 页")
    if forward.button("下一页", key=f"{key}-next", disabled=page >= pages - 1):
        st.session_state[f"{key}-page"] = page + 1
        st.rerun()


def _choice(item: dict) -> str:
    where = " · ".join(part for part in (item["locality"], item["kind"]) if part)
    return f"{item['name']}（{item['identifier']}）" + (f" · {where}" if where else "")


def pick_subject(client: ApiClient, key: str) -> str | None:
    """The code of the subject the user picked; None until a code is typed or one match is chosen."""
    query = st.text_input("企业名称或统一社会信用代码", placeholder=PLACEHOLDER, key=f"{key}-query").strip()
    if not query:
        return None
    if looks_like_code(query):
        return "".join(query.split()).upper()
    page = _page(key, query)
    try:
        found = client.get("/v1/subjects", name=query, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
    except ApiError as exc:
        st.error(exc.message)
        return None
    total = found["total"]
    if not total:
        st.warning(f"未找到名称包含“{query}”的主体，请核对名称，或输入统一社会信用代码。")
        return None
    more = "（超过 500 个，只列出最相近的 500 个，请输入更完整的名称）" if found["capped"] else ""
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    st.caption(f"共找到 {total} 个主体{more}，请选择一个查看。")
    options = {_choice(item): item["identifier"] for item in found["items"]}
    chosen = st.radio("匹配的主体", list(options), index=None, key=f"{key}-pick-{query}-{page}")
    _pager(key, page, pages)
    return options[chosen] if chosen else None
