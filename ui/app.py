"""Streamlit front end: chat, subject lookup, measures checklist, documents, eval reports — after sign-in."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Page modules live in ui/views: Streamlit takes a pages/ folder beside the entry script for a v1
# multipage app and then shows "Page not found" on the first deep link (e.g. /evals) after a start.
from ui import chrome, session
from ui.views import chat_page, documents_page, evals_page, measures_page, subject_page

st.set_page_config(page_title="信用政策问答助手", page_icon=":material/verified:", layout="wide")
chrome.apply()  # Streamlit's own English labels in Chinese, and a print without the sidebar
PAGES = {
    "chat": st.Page(chat_page.render, title="政策问答", icon=":material/chat:", url_path="chat"),
    "subject": st.Page(subject_page.render, title="主体查询", icon=":material/domain:", url_path="subject"),
    "measures": st.Page(
        measures_page.render, title="措施清单", icon=":material/checklist:", url_path="measures"
    ),
    "documents": st.Page(
        documents_page.render, title="知识库", icon=":material/library_books:", url_path="documents"
    ),
    "evals": st.Page(evals_page.render, title="评测报告", icon=":material/bar_chart:", url_path="evals"),
}


def home() -> None:
    """The app's root opens the chat at its own address (/chat, with the query kept), so /chat is a real page."""
    st.switch_page(PAGES["chat"], query_params=st.query_params.to_dict())


HOME = st.Page(home, title="政策问答", url_path="home", default=True, visibility="hidden")
if not session.signed_in():
    # Every page is registered (a deep link like /evals opens that page after sign-in), none is shown.
    st.navigation([HOME, *PAGES.values()], position="hidden")
    session.render_login()
    st.stop()
allowed = session.ROLE_PAGES.get(session.role(), set())
navigation = st.navigation([HOME, *(page for name, page in PAGES.items() if name in allowed)])
session.render_account()
navigation.run()
