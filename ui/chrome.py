"""Streamlit's own chrome in Chinese: its English labels replaced or hidden, and a clean browser print.

Streamlit has no translations. The toolbar (Deploy, the ⋮ menu) is turned off where the UI is launched
(`--client.toolbarMode minimal`, assistant/cli/serve_cmds.py); what remains English is replaced here with CSS
over the DOM of the pinned Streamlit version (1.67: the uploader's "Upload" button and its "200MB per file"
line, the drag-over "Drag and drop files here", the "Running…/Stop" status).
"""

from __future__ import annotations

import streamlit as st

CHROME_CSS = """
<style>
/* toolbar leftovers: Deploy and the developer menu (hidden by toolbarMode=minimal; kept off in any mode) */
[data-testid="stAppDeployButton"], [data-testid="stMainMenu"], #MainMenu {display: none !important;}
/* file uploader: the button's English label ("Upload") and the size/type line become Chinese */
[data-testid="stFileUploaderDropzone"] > span > button [data-testid="stMarkdownContainer"] {display: none !important;}
[data-testid="stFileUploaderDropzone"] > span > button::after {content: "选择文件";}
[data-testid="stFileUploaderDropzoneInstructions"] span {display: none !important;}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: "拖放文件到此处，或点击“选择文件”"; color: rgba(49, 51, 63, 0.6); font-size: 0.875rem;}
/* while a file is dragged over it: "Drag and drop … here" (not the list of chosen files) */
[data-testid="stFileUploaderDropzone"] > div:not([data-testid]):not(:has([data-testid="stFileChips"])) > span {
  display: none !important;}
[data-testid="stFileUploaderDropzone"] > div:not([data-testid]):not(:has([data-testid="stFileChips"]))::after {
  content: "松开鼠标即可添加文件";}
/* the keyboard users' skip link (shown on focus only) */
[data-testid="stSkipToContent"] {font-size: 0 !important;}
[data-testid="stSkipToContent"]::after {content: "跳到正文"; font-size: 1rem;}
/* the run indicator: its English words hidden, the spinner stays */
[data-testid="stStatusWidget"] label, [data-testid="stStatusWidget"] button {display: none !important;}
/* a browser print of a page: no sidebar, header or toolbar */
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"] {display: none !important;}
  [data-testid="stMainBlockContainer"] {padding: 0 !important; max-width: none !important;}
}
</style>
"""


def apply() -> None:
    """Inject the CSS once per script run (call before any page renders)."""
    st.html(CHROME_CSS)
