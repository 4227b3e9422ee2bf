"""Chat page: history, streamed answers, route badge, expandable citations, locality filter."""

from __future__ import annotations

import streamlit as st

from ui.client import ApiClient, ApiError
from ui.components import answer_block

LOCALITIES = ["全部", "濮阳", "常州新北", "翁源", "舞阳/河南", "朝阳"]


def render() -> None:
    st.title("信用政策问答")
    st.caption(
        "可询问信用承诺、信用修复、守信激励与失信惩戒、分级分类监管，或输入企业名称/统一社会信用代码查询信用状况。"
    )
    locality = st.sidebar.selectbox("地区", LOCALITIES, help="问题中未写地区时，按所选地区优先回答")
    if st.sidebar.button("新对话"):
        st.session_state.pop("messages", None)
        st.session_state.pop("conversation_id", None)
    messages = st.session_state.setdefault("messages", [])
    for message in messages:
        with st.chat_message(message["role"]):
            if message["role"] == "user":
                st.markdown(message["content"])
            else:
                answer_block(message["answer"])
    question = st.chat_input("请输入问题，例如：我们公司被罚过款，怎么把记录撤下来？")
    if not question:
        return
    asked = (
        question
        if locality == "全部" or locality.split("/")[0] in question
        else f"{locality.split('/')[0]}：{question}"
    )
    messages.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(question)
    with st.chat_message("assistant"):
        placeholder = st.empty()
        answer = None
        try:
            text = ""
            for event, data in ApiClient().ask_stream(asked, st.session_state.get("conversation_id")):
                if event == "delta":
                    text += data["text"]
                    placeholder.markdown(text + "▌")
                elif event == "done":
                    answer = data
            placeholder.empty()
        except ApiError as exc:
            placeholder.error(exc.message)
            return
        if answer is not None:
            st.session_state["conversation_id"] = answer.get("conversation_id")
            answer_block(answer)
            messages.append({"role": "assistant", "answer": answer})
