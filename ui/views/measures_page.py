"""措施清单: the measures for one subject (name or 统一社会信用代码 → its status → the measures that apply), or for a
category of subjects in a place; the place's own documents first; a print view and an HTML download of each."""

from __future__ import annotations

import streamlit as st

from ui import session
from ui.client import ApiClient, ApiError
from ui.measures_view import measure_groups, printable
from ui.subject_picker import pick_subject

CATEGORIES = ["守信激励", "严重失信", "重点关注", "失信被执行人", "低风险", "高风险", "失信整改"]
LOCALITIES = ["濮阳", "常州新北", "翁源", "舞阳", "朝阳"]
RECORD_ROLES = ("admin", "window")  # roles whose key reads subject records (the API checks every call)


def subject_status(answer: dict) -> None:
    subject = answer.get("subject") or {}
    st.subheader(subject.get("name", ""))
    facts = [subject.get("identifier"), subject.get("kind"), subject.get("locality")]
    st.caption(" · ".join(part for part in facts if part))
    categories = answer["data"].get("categories") or []
    if not categories:
        st.info(
            "该主体目前不在任何激励或惩戒名单中，信用评价为一般，暂无专门适用的措施；按常规“双随机、一公开”监管。"
        )
        return
    with st.container(border=True):
        st.markdown("**适用类别：" + "、".join(categories) + "**")
        for record in answer["records"]:
            st.markdown(f"- {record['kind']}：{record['label']}（{record['detail']}）")


def by_subject(client: ApiClient) -> None:
    st.caption("输入主体名称或统一社会信用代码，选择主体后按其信用记录列出适用的措施；本地文件在前。")
    code = pick_subject(client, "measures-subject")
    if code is None:
        return
    try:
        answer = client.get(f"/v1/subjects/{code}/measures")
    except ApiError as exc:
        st.error(exc.message)
        return
    subject_status(answer)
    printable(client, f"/v1/subjects/{code}/measures.html", {}, f"适用措施清单-{code}.html", "subject-sheet")
    measure_groups(answer)


def by_category(client: ApiClient) -> None:
    st.caption(
        "按主体类别和地区生成措施清单：适用于该地区的文件（本地及其上级）在前，其他地区的在分隔线下、默认折叠。"
    )
    col1, col2 = st.columns(2)
    category = col1.selectbox("主体类别", CATEGORIES)
    locality = col2.selectbox("地区", LOCALITIES)
    try:
        answer = client.get("/v1/measures", status=category, locality=locality)
    except ApiError as exc:
        st.error(exc.message)
        return
    params = {"status": category, "locality": locality}
    printable(client, "/v1/measures.html", params, f"措施清单-{category}-{locality}.html", "category-sheet")
    measure_groups(answer)


def render() -> None:
    st.title("适用措施清单")
    client = ApiClient()
    if session.role() not in RECORD_ROLES:
        by_category(client)
        return
    tab_subject, tab_category = st.tabs(["按主体查询", "按类别和地区"])
    with tab_subject:
        by_subject(client)
    with tab_category:
        by_category(client)
