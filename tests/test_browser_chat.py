"""The chat page in a real browser: conversations kept across a reload and listed in the sidebar, 👎 with the
answer expected and the export of a set the eval loader accepts, citations that name the article and open the
knowledge base there, and no English UI text at /chat. Screenshots go to $CREDIT_TEST_SCREENS."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from evals.datasets import load_set
from tests.browser_support import ARTIFACTS, open_signed_in, sign_in, whole_page_screenshot
from tests.browser_support import page as page  # fixtures: the UI over the session's live API, a browser
from tests.browser_support import ui_url as ui_url

pytestmark = pytest.mark.browser
SCREENS = Path(os.environ.get("CREDIT_TEST_SCREENS", ARTIFACTS / "chat"))
ENGLISH_UI = ("Page not found", "Deploy", "Rerun", "Running...", "Clear cache", "Made with Streamlit", "Press Ctrl")
QUESTION = "开展诚信教育可以收费吗？"
EXPECTED = "不得收费，由信用办统一组织诚信教育。"


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SCREENS.mkdir(parents=True, exist_ok=True)
    whole_page_screenshot(page, SCREENS / name)


def no_english_ui(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(1500)
    text = page.locator("body").inner_text()
    assert not [words for words in ENGLISH_UI if words in text], text[:500]


def ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    box = page.get_by_placeholder("请输入问题", exact=False)
    box.fill(question)
    box.press("Enter")
    page.get_by_role("button", name="重新生成").first.wait_for()  # the answer is drawn with its actions


def sidebar(page):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("stSidebar")


def test_chat_at_its_own_address_shows_no_english_ui(page, ui_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(ui_url + "/chat")  # a fresh session: the sign-in form, not "Page not found"
    page.get_by_role("button", name="登录").wait_for()
    no_english_ui(page)
    sign_in(page)
    page.get_by_placeholder("请输入问题", exact=False).wait_for()
    assert page.url.rstrip("/").endswith("/chat")
    no_english_ui(page)
    open_signed_in(page, ui_url + "/")  # the root opens the chat at /chat
    page.wait_for_url(re.compile(r".*/chat.*"))
    no_english_ui(page)


def test_a_reload_keeps_the_conversation_and_the_sidebar_lists_it(page, ui_url: str) -> None:  # type: ignore[no-untyped-def]
    open_signed_in(page, ui_url + "/chat")
    page.get_by_role("button", name="新对话").click()
    ask(page, QUESTION)
    page.wait_for_url(re.compile(r".*[?&]c=[0-9a-f]+"))
    sidebar(page).get_by_role("button", name=QUESTION).first.wait_for()
    shot(page, "chat-sidebar-conversations.png")
    page.reload()  # a new browser session: sign in again, the address still names the conversation
    sign_in(page)
    page.get_by_test_id("stChatMessage").filter(has_text=QUESTION).first.wait_for()
    page.get_by_text("不得收费", exact=False).first.wait_for()
    assert sidebar(page).get_by_role("button", name=QUESTION).count() >= 1
    page.goto(ui_url + "/chat")  # another tab without the address: the sidebar still lists it
    sign_in(page)
    sidebar(page).get_by_role("button", name=QUESTION).first.click()
    page.get_by_test_id("stChatMessage").filter(has_text=QUESTION).first.wait_for()


def test_thumbs_down_then_export_downloads_a_set_the_eval_loader_accepts(page, ui_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    open_signed_in(page, ui_url + "/chat")
    page.get_by_role("button", name="新对话").click()
    ask(page, QUESTION)
    page.get_by_test_id("stFeedback").last.get_by_test_id("stFeedbackButton").last.click()  # thumbs down
    form = page.get_by_test_id("stForm").last
    form.get_by_label("期望的回答（可选）").fill(EXPECTED)
    form.get_by_label("说明（可选）").fill("没有说明由谁组织")
    no_english_ui(page)  # no "Press Ctrl+Enter to submit form" under the text areas
    shot(page, "chat-feedback-form.png")
    form.get_by_role("button", name="提交反馈").click()
    page.get_by_text("已补充说明", exact=False).first.wait_for()
    export = sidebar(page).get_by_role("button", name="导出为评测集")
    export.wait_for()
    with page.expect_download() as download:
        export.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    kind, items = load_set(path)  # what `credit-assistant eval run --set` loads and checks
    assert kind == "qa" and any(item.question == QUESTION and item.must_include for item in items)


def test_a_citation_names_the_article_marks_its_sentence_and_opens_the_document(page, ui_url: str) -> None:  # type: ignore[no-untyped-def]
    open_signed_in(page, ui_url + "/chat")
    page.get_by_role("button", name="新对话").click()
    ask(page, QUESTION)
    citation = page.locator("summary").filter(has_text="濮信用〔2020〕3号").first
    label = citation.inner_text()
    assert "《" in label and "·" in label and not re.search(r"#\d{4}", label)  # no internal passage id
    citation.click()
    mark = page.locator("mark").first
    mark.wait_for()
    assert "不得收费" in mark.inner_text()
    passage = page.get_by_test_id("stExpanderDetails").filter(has=page.locator("mark")).first
    assert len(mark.inner_text()) < len(passage.inner_text())  # the sentence, not the whole passage
    shot(page, "chat-citation-view.png")
    passage.get_by_role("link", name="在知识库中查看原文").click()
    page.wait_for_url(re.compile(r".*/documents\?doc=.+&at=.+"))
    page.get_by_text("引用的条文").first.wait_for()
    focus = page.get_by_test_id("stVerticalBlock").filter(has_text="引用的条文").last  # the innermost block
    assert "不得收费" in focus.inner_text() and "不得收费" in focus.locator("mark").first.inner_text()
    shot(page, "documents-opened-at-article.png")
