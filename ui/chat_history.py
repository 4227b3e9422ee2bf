"""The chat's conversations: the open one (its id in the address, ?c=…, so a reload reopens it), the sidebar
list of the user's conversations (newest first), starting a new one and deleting one. All through the API."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ui.client import ApiClient, ApiError

PARAM = "c"  # the open conversation's id in the page address
OPEN = "conversation_id"  # …and in the session (ui/session.py clears both on sign-out)
TURNS = "messages"


def local_time(stamp: str) -> str:
    """An API time (ISO 8601 with offset) in this server's time zone, to the minute."""
    return dt.datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")


def turns() -> list[dict]:
    """The open conversation's turns: {number, question, region, answer, feedback}."""
    return st.session_state.setdefault(TURNS, [])


def open_id() -> str | None:
    return st.session_state.get(OPEN)


def start_new() -> None:
    st.session_state.pop(TURNS, None)
    st.session_state.pop(OPEN, None)
    st.query_params.pop(PARAM, None)


def opened(conversation_id: str) -> None:
    """The conversation the last answer belongs to: keep it in the session and in the address."""
    st.session_state[OPEN] = conversation_id
    if st.query_params.get(PARAM) != conversation_id:
        st.query_params[PARAM] = conversation_id


def restore(client: ApiClient) -> None:
    """Open the conversation the address names (after a reload or from the sidebar) if it is not open yet."""
    wanted = st.query_params.get(PARAM)
    if not wanted or wanted == open_id():
        return
    try:
        detail = client.conversation(wanted)
    except ApiError as exc:
        st.query_params.pop(PARAM, None)
        st.warning(exc.message if exc.status == 404 else f"无法打开对话：{exc.message}")
        return
    st.session_state[TURNS] = [
        {
            "number": turn["number"],
            "question": turn["question"],
            "region": turn.get("region"),
            "answer": turn["answer"],
            "feedback": turn.get("feedback"),
        }
        for turn in detail["turns"]
    ]
    st.session_state[OPEN] = wanted


def switch_to(conversation_id: str) -> None:
    st.query_params[PARAM] = conversation_id


def delete(client: ApiClient, conversation_id: str) -> None:
    try:
        client.delete_conversation(conversation_id)
    except ApiError as exc:
        st.session_state["chat_notice"] = exc.message
        return
    if conversation_id == open_id():
        start_new()


def sidebar_list(client: ApiClient) -> None:
    """新对话 and the user's conversations, newest first; the open one is marked."""
    st.sidebar.button("新对话", icon=":material/add_comment:", on_click=start_new, use_container_width=True)
    try:
        conversations = client.conversations()
    except ApiError as exc:
        st.sidebar.caption(f"无法读取历史对话：{exc.message}")
        return
    st.sidebar.markdown("**历史对话**")
    if not conversations:
        st.sidebar.caption("还没有对话。提问后对话会保存在这里，刷新页面也不会丢失。")
    for item in conversations:
        left, right = st.sidebar.columns([6, 1], vertical_alignment="center")
        current = item["id"] == open_id()
        left.button(
            item["title"] or "（无标题）",
            key=f"open-{item['id']}",
            type="primary" if current else "tertiary",
            help=f"{item['turns']} 轮问答 · 最近提问 {local_time(item['updated_at'])}",
            on_click=switch_to,
            args=(item["id"],),
        )
        right.button(
            ":material/delete:",
            key=f"delete-{item['id']}",
            type="tertiary",
            help="删除此对话",
            on_click=delete,
            args=(client, item["id"]),
        )
