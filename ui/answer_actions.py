"""Under each answer: 👍/👎 (👎 opens a form for a comment and the answer expected), copy, regenerate."""

from __future__ import annotations

import streamlit as st

from ui.client import ApiClient, ApiError

PENDING = "chat_pending"  # a question to ask on this run (regenerate re-asks the turn's question)
RATINGS = {1: "up", 0: "down"}
# Streamlit writes an English hint ("Press Ctrl+Enter to submit form") into a form's text areas; the UI is Chinese.
HIDE_FORM_HINT = "<style>[data-testid='InputInstructions'] { display: none; }</style>"


def widget_key(conversation_id: str, number: int) -> str:
    return f"rating-{conversation_id}-{number}"


def send(conversation_id: str, turn: dict, body: dict) -> None:
    try:
        turn["feedback"] = ApiClient().give_feedback(conversation_id, turn["number"], body)
    except ApiError as exc:
        st.session_state["chat_notice"] = f"反馈未保存：{exc.message}"
        return
    if body["rating"] == "up":
        st.toast("已收到反馈，谢谢！", icon=":material/thumb_up:")
    elif len(body) == 1:
        st.toast("已记录“没有帮助”，可在下方补充说明与期望答案。", icon=":material/thumb_down:")
    else:
        st.toast("已保存说明与期望答案，谢谢！", icon=":material/check:")


def rated(conversation_id: str, turn: dict) -> None:
    """The thumbs changed: keep the rating at once (the 👎 details follow in the form)."""
    value = st.session_state.get(widget_key(conversation_id, turn["number"]))
    if value in RATINGS:
        send(conversation_id, turn, {"rating": RATINGS[value]})


def details_form(conversation_id: str, turn: dict) -> None:
    given = turn.get("feedback") or {}
    told = bool(given.get("comment") or given.get("expected_answer") or given.get("unanswerable"))
    with (
        st.expander("已补充说明（可修改）" if told else "哪里不对？补充说明与期望答案", expanded=not told),
        st.form(f"details-{conversation_id}-{turn['number']}", border=False),
    ):
        st.caption("提交后，评测员可把它导出为评测题。")
        st.html(HIDE_FORM_HINT)
        comment = st.text_area("说明（可选）", given.get("comment", ""), placeholder="例如：没有回答约谈程序")
        expected = st.text_area(
            "期望的回答（可选）",
            given.get("expected_answer", ""),
            placeholder="写出正确的回答或其中的关键内容",
        )
        unanswerable = st.checkbox("文件中没有答案，应当拒答", bool(given.get("unanswerable")))
        if st.form_submit_button("提交反馈", type="primary"):
            body = {
                "rating": "down",
                "comment": comment,
                "expected_answer": "" if unanswerable else expected,
                "unanswerable": unanswerable,
            }
            send(conversation_id, turn, body)
            st.rerun()


def regenerate(turn: dict) -> None:
    st.session_state[PENDING] = {"question": turn["question"], "region": turn.get("region")}


def actions(conversation_id: str | None, turn: dict, index: int) -> None:
    """The row of actions under one answer (`index`: its place on the page; feedback only in a kept
    conversation)."""
    left, copy, again, _ = st.columns([2, 2, 2, 4], vertical_alignment="center")
    if conversation_id and turn.get("number"):
        key = widget_key(conversation_id, turn["number"])
        given = (turn.get("feedback") or {}).get("rating")
        if key not in st.session_state and given:
            st.session_state[key] = 1 if given == "up" else 0
        with left:
            st.feedback("thumbs", key=key, on_change=rated, args=(conversation_id, turn))
    with copy.popover("复制", icon=":material/content_copy:"):
        st.caption("点击右上角图标复制回答全文")
        st.code(turn["answer"]["text"], language=None, wrap_lines=True)
    again.button(
        "重新生成",
        key=f"again-{conversation_id}-{index}",
        icon=":material/refresh:",
        type="tertiary",
        on_click=regenerate,
        args=(turn,),
    )
    if conversation_id and (turn.get("feedback") or {}).get("rating") == "down":
        details_form(conversation_id, turn)
