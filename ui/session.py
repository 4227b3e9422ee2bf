"""Sign-in: each UI user gives their own API key; the UI checks it (GET /v1/me) and forwards it on every call.

The key is kept only in this browser session's state on the UI server (never in the page, a cookie or the URL),
so a reload asks to sign in again. What a user may do is the key's role; the audit log names that key.
"""

from __future__ import annotations

import streamlit as st

from ui.client import SESSION_KEY, ApiClient, ApiError

ROLE_NAMES = {"admin": "管理员", "window": "服务窗口", "evaluator": "评测员"}
# Pages (url paths) each role can use; the API still checks every call.
ROLE_PAGES = {
    "admin": {"chat", "subject", "measures", "documents", "evals"},
    "window": {"chat", "subject", "measures", "documents"},
    "evaluator": {"chat", "measures", "documents", "evals"},
}


def signed_in() -> bool:
    return bool(st.session_state.get(SESSION_KEY))


def role() -> str:
    return str(st.session_state.get("api_role", ""))


def sign_in(key: str) -> str | None:
    """Check the key with the API; keep it for this session when valid. The Chinese reason when not."""
    if not key.strip():
        return "请输入 API 密钥。"
    try:
        identity = ApiClient(api_key=key.strip()).get("/v1/me")
    except ApiError as exc:
        return "API 密钥无效，请核对后重试。" if exc.status == 401 else exc.message
    st.session_state[SESSION_KEY] = key.strip()
    st.session_state["api_role"] = identity["role"]
    st.session_state["api_who"] = identity["who"]
    return None


def sign_out() -> None:
    for name in (SESSION_KEY, "api_role", "api_who", "messages", "conversation_id"):
        st.session_state.pop(name, None)


def render_login() -> None:
    st.title("登录 · 信用政策问答助手")
    st.caption(
        "请输入管理员发给您的 API 密钥。主体记录查询、导入和评测按密钥的角色授权，所有记录查询均以您的密钥记入审计日志。"
    )
    with st.form("login"):
        key = st.text_input("API 密钥", type="password", placeholder="请输入 API 密钥")
        submitted = st.form_submit_button("登录", type="primary")
    if submitted:
        problem = sign_in(key)
        if problem:
            st.error(problem)
        else:
            st.rerun()


def render_account() -> None:
    """The sidebar's account box: who is signed in, with which role, and a sign-out button."""
    with st.sidebar:
        name = ROLE_NAMES.get(role(), role())
        st.caption(f"已登录：{st.session_state.get('api_who', '')}（{name}）")
        if st.button("退出登录"):
            sign_out()
            st.rerun()
