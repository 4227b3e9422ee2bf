"""Chat page: the user's conversations in the sidebar (kept by the API, reopened on reload), streamed answers
with route badge and citations, feedback/copy/regenerate under each answer, and a region filter that is a
filter (sent beside the question, never written into it)."""

from __future__ import annotations

import streamlit as st

from ui import chat_history, session
from ui.answer_actions import PENDING, actions
from ui.client import ApiClient, ApiError
from ui.components import answer_block, answer_markdown
from ui.feedback_panel import EVALUATOR_ROLES, render_feedback_export

ALL_REGIONS = "全部地区"


def region_options(client: ApiClient) -> list[str]:
    """The places the loaded documents apply to (each by its most specific name: 县, else 市, else 省)."""
    try:
        documents = client.get("/v1/documents")
    except ApiError:
        return []
    return sorted({d["place"] for d in documents if d.get("place")})


def region_filter(client: ApiClient) -> str | None:
    choice = st.sidebar.selectbox(
        "地区筛选",
        [ALL_REGIONS, *region_options(client)],
        help="问题中没有写地区时，按所选地区的文件回答；问题中写了地区则以问题为准。",
    )
    return None if choice == ALL_REGIONS else choice


def user_turn(question: str, region: str | None) -> None:
    with st.chat_message("user"):
        st.markdown(question)
        if region:
            st.markdown(f":blue-badge[:material/filter_alt: 地区筛选：{region}]")


def region_badge(answer: dict) -> None:
    note = answer.get("region")
    if not note or not note.get("note"):
        return
    if note["applied"]:
        st.caption(f":material/filter_alt: {note['note']}")
    else:
        st.markdown(f":orange-badge[:material/filter_alt_off: 未应用地区筛选] {note['note']}")


def assistant_turn(turn: dict, index: int) -> None:
    with st.chat_message("assistant"):
        region_badge(turn["answer"])
        answer_block(turn["answer"])
        actions(chat_history.open_id(), turn, index)


def ask(client: ApiClient, question: str, region: str | None) -> None:
    """Stream the answer of one question, then keep it as the conversation's next turn."""
    user_turn(question, region)
    with st.chat_message("assistant"):
        placeholder = st.empty()
        answer = None
        try:
            text = ""
            for event, data in client.ask_stream(question, chat_history.open_id(), region):
                if event == "delta":
                    text += data["text"]
                    placeholder.markdown(answer_markdown(text) + "▌")
                elif event == "done":
                    answer = data
        except ApiError as exc:
            placeholder.error(exc.message)
            return
        placeholder.empty()
    if answer is None:
        return
    if answer.get("conversation_id"):
        chat_history.opened(answer["conversation_id"])
    turn = {"number": answer.get("turn"), "question": question, "region": region, "answer": answer}
    chat_history.turns().append(turn)
    st.rerun()  # draw it with its actions, and the sidebar list with this conversation


def render() -> None:
    st.title("信用政策问答")
    st.caption(
        "可询问信用承诺、信用修复、守信激励与失信惩戒、分级分类监管，或输入企业名称/统一社会信用代码查询信用状况。"
    )
    client = ApiClient()
    chat_history.restore(client)
    region = region_filter(client)
    chat_history.sidebar_list(client)
    if session.role() in EVALUATOR_ROLES:
        with st.sidebar:
            render_feedback_export(client)
    if notice := st.session_state.pop("chat_notice", None):
        st.warning(notice)
    for index, turn in enumerate(chat_history.turns()):
        user_turn(turn["question"], turn.get("region"))
        assistant_turn(turn, index)
    typed = st.chat_input("请输入问题，例如：我们公司被罚过款，怎么把记录撤下来？")
    pending = st.session_state.pop(PENDING, None)
    if typed:
        ask(client, typed, region)
    elif pending:
        ask(client, pending["question"], pending["region"])
