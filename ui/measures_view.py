"""One measures list on screen (a subject's or a category's): grouped by category, the measures of documents that
apply in the place first, other places below a divider and collapsed; each measure with its source. Under it the
printable sheet the API renders (GET …/measures.html): a print view in the page and an HTML download."""

from __future__ import annotations

from typing import Any

import streamlit as st
import streamlit.components.v1 as components

from ui.client import ApiClient, ApiError
from ui.components import citations

PRINT_VIEW_HEIGHT = 900


def _source(row: dict[str, Any], cited: dict[int, dict[str, Any]]) -> str:
    citation = cited.get(int(row.get("citation", 0)))
    if citation is None:
        return ""
    parts = [f"《{citation['title']}》", citation["doc_number"], citation["section_path"]]
    return f"[{citation['number']}] " + " · ".join(part for part in parts if part)


def _measure_list(rows: list[dict[str, Any]], cited: dict[int, dict[str, Any]]) -> None:
    for number, row in enumerate(rows, 1):
        text = row.get("quote") or row.get("measure", "")
        st.markdown(f"{number}. **【{row['kind']}】** {text} :gray-badge[{row['place']}]")
        st.caption("出处：" + _source(row, cited))


def measure_groups(answer: dict[str, Any]) -> None:
    """The measures of each category: the place's own first, others collapsed below a divider."""
    rows: list[dict[str, Any]] = answer["data"].get("measures") or []
    if not rows:
        st.markdown(answer["text"])
        return
    locality = answer["data"].get("locality")
    cited = {c["number"]: c for c in answer["citations"]}
    for category in dict.fromkeys(r["category"] for r in rows):
        in_category = [r for r in rows if r["category"] == category]
        local = [r for r in in_category if r.get("scope", "local") == "local"]
        others = [r for r in in_category if r.get("scope", "local") != "local"]
        st.subheader(in_category[0].get("category_title") or category)  # the API names each category
        if local:
            _measure_list(local, cited)
        elif locality:
            st.info(f"所载文件中没有适用于{locality}的此类措施。")
        if others:
            st.divider()
            where = f"，不直接适用于{locality}" if locality else ""
            with st.expander(
                f"其他地区文件中的同类措施（{len(others)} 条{where}，仅供参考）", expanded=False
            ):
                _measure_list(others, cited)
    with st.expander(f"政策出处原文（{len(answer['citations'])} 条）"):
        citations(answer["citations"])


def printable(client: ApiClient, path: str, params: dict[str, Any], file_name: str, key: str) -> None:
    """The API's printable sheet: a download and, on demand, the print view (printing prints only the sheet)."""
    try:
        sheet = client.download(path, **params)
    except ApiError as exc:
        st.error(exc.message)
        return
    left, right, _ = st.columns([2, 1, 3])
    left.download_button(
        "下载清单（HTML，可打印）",
        sheet,
        file_name=file_name,
        mime="text/html",
        icon=":material/download:",
        key=f"{key}-dl",
    )
    shown = right.toggle("打印视图", key=f"{key}-print")
    if shown:
        st.caption("下方为打印版清单：点击其中的“打印”按钮，只打印清单本身（不含侧栏）。")
        components.html(sheet.decode("utf-8"), height=PRINT_VIEW_HEIGHT, scrolling=True)
