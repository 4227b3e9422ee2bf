"""Measures checklist: pick a category and locality → a printable list of measures with sources."""

from __future__ import annotations

import streamlit as st

from ui.client import ApiClient, ApiError
from ui.components import citations

CATEGORIES = ["守信激励", "严重失信", "重点关注", "失信被执行人", "低风险", "高风险", "失信整改"]
LOCALITIES = ["濮阳", "常州新北", "翁源", "舞阳", "朝阳"]


def render() -> None:
    st.title("适用措施清单")
    st.caption("窗口工作人员可按主体类别和地区生成措施清单，每条措施附政策出处。")
    col1, col2 = st.columns(2)
    category = col1.selectbox("主体类别", CATEGORIES)
    locality = col2.selectbox("地区（本地文件优先）", LOCALITIES)
    try:
        answer = ApiClient().get("/v1/measures", status=category, locality=locality)
    except ApiError as exc:
        st.error(exc.message)
        return
    st.markdown(answer["text"])
    st.download_button(
        "下载清单（Markdown，可打印）", answer["text"], file_name=f"措施清单-{category}-{locality}.md"
    )
    citations(answer["citations"])
